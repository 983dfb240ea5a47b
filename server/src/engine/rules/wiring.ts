import type { HandlerItem } from '../model/driver';

/** `vfio_migration_ops.migration_set_state` (+ more when wired several times). */
export function describeWiring(item: HandlerItem): string {
  const labels = [...new Set(item.wiring.map((w) => `${w.ops}.${w.member}`))];
  return labels.join(' and ');
}
