/**
 * Userspace access: the calls that copy from or to user memory (they may fault and
 * take mmap_lock, and sleep), and the userspace-controlled sources of the migration
 * path.
 */

export interface UserCopyApi {
  name: string;
  direction: 'from' | 'to' | 'clear';
  /** Index of the kernel-side buffer argument, the user pointer, and the length (if any). */
  kernel?: number;
  user: number;
  length?: number;
}

export const USER_COPY_APIS: ReadonlyMap<string, UserCopyApi> = new Map(
  (
    [
      { name: 'copy_from_user', direction: 'from', kernel: 0, user: 1, length: 2 },
      { name: '__copy_from_user', direction: 'from', kernel: 0, user: 1, length: 2 },
      { name: 'copy_to_user', direction: 'to', kernel: 1, user: 0, length: 2 },
      { name: '__copy_to_user', direction: 'to', kernel: 1, user: 0, length: 2 },
      { name: 'get_user', direction: 'from', kernel: 0, user: 1 },
      { name: '__get_user', direction: 'from', kernel: 0, user: 1 },
      { name: 'put_user', direction: 'to', kernel: 0, user: 1 },
      { name: '__put_user', direction: 'to', kernel: 0, user: 1 },
      { name: 'clear_user', direction: 'clear', user: 0, length: 1 },
      { name: 'strncpy_from_user', direction: 'from', kernel: 0, user: 1, length: 2 },
      { name: 'copy_struct_from_user', direction: 'from', kernel: 0, user: 2, length: 3 },
      { name: 'memdup_user', direction: 'from', user: 0, length: 1 },
      { name: 'vmemdup_user', direction: 'from', user: 0, length: 1 },
      { name: 'memdup_user_nul', direction: 'from', user: 0, length: 1 },
      { name: 'simple_read_from_buffer', direction: 'to', user: 0, length: 1 },
      { name: 'simple_write_to_buffer', direction: 'from', user: 3, length: 4 },
    ] as UserCopyApi[]
  ).map((a) => [a.name, a]),
);

/** Cheap prefilter for functions that may touch user memory. */
export const USER_COPY_TEXT = /_user\b|_user\s*\(|simple_(?:read_from|write_to)_buffer/;

/** A device's migration state mutex by its member name (`state_mutex`, `state_lock`). */
export const STATE_MUTEX_NAME = /(?:^|_)state_(?:mutex|lock)$/;
