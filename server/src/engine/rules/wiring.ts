import type { HandlerItem } from '../model/driver';
import type { RelatedLocation } from './finding';

/** `vfio_migration_ops.migration_set_state` (+ more when wired several times). */
export function describeWiring(item: HandlerItem): string {
  const labels = [...new Set(item.wiring.map((w) => `${w.ops}.${w.member}`))];
  return labels.join(' and ');
}

/** Where a handler is wired, as related locations of its findings. */
export function wiringRelated(item: HandlerItem): RelatedLocation[] {
  return item.wiring.map((w) => ({
    path: w.file.path,
    line: w.line,
    column: w.column,
    message: `wired as ${w.ops}.${w.member}${w.variable ? ` in ${w.variable}` : ''}`,
  }));
}
