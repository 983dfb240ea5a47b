/** State arcs read from set_state code: `cur == X && new == Y` branches (helpers included) and switch cases. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { it } from 'node:test';
import { normalizeSettings, Workspace } from '../../server/src/engine';
import { stateArcs } from '../../server/src/engine/model/derived';
import { memoryHost, MEM_ROOT } from '../support/memoryHost';
import { VFIO_PRELUDE } from '../support/ruleTester';

const DRIVER = `${VFIO_PRELUDE}#include <linux/mlx5/driver.h>
static int step(struct acme *a, u32 cur, u32 new)
{
	/* cur == VFIO_DEVICE_STATE_ERROR && new == VFIO_DEVICE_STATE_STOP in a comment is no arc */
	if (new == VFIO_DEVICE_STATE_RUNNING && cur == VFIO_DEVICE_STATE_STOP) {
		mlx5_cmd_exec(a->mdev, 0);
		return 0;
	}
	if ((cur == VFIO_DEVICE_STATE_STOP && new == VFIO_DEVICE_STATE_STOP_COPY) ||
	    (cur == VFIO_DEVICE_STATE_RUNNING && new == VFIO_DEVICE_STATE_STOP))
		return save(a);
	switch (new) {
	case VFIO_DEVICE_STATE_RESUMING:
		mlx5_core_alloc_pd(a->mdev, 0);
		break;
	default:
		break;
	}
	return -EINVAL;
}
static int save(struct acme *a)
{
	return mlx5_core_create_mkey(a->mdev, 0);
}
static struct file *set_state(struct vfio_device *vdev, enum vfio_device_mig_state new_state)
{
	step(NULL, 0, new_state);
	return NULL;
}
static const struct vfio_migration_ops ops = {
	.migration_set_state = set_state,
};
`;

it('arcs: both operand orders, || alternatives, helpers, switch cases, comments ignored; parent calls per arc', () => {
  const ws = new Workspace(memoryHost({ 'main.c': DRIVER }), normalizeSettings({}));
  const { model } = ws.driverFor(path.resolve(MEM_ROOT, 'main.c'));
  const h = model.handlers.find((x) => x.fn.name === 'set_state')!;
  assert.ok(h);
  assert.deepEqual(
    stateArcs(model, h).map((a) => `${a.from}>${a.to}: ${a.parentCalls.map((c) => c.callee).join(',')}`),
    [
      'STOP>RUNNING: mlx5_cmd_exec',
      'STOP>STOP_COPY: mlx5_core_create_mkey',
      'RUNNING>STOP: mlx5_core_create_mkey',
      'any>RESUMING: mlx5_core_alloc_pd',
    ],
  );
});
