/** Whether a process with this id is running (EPERM: it is, under another user). Pid files and endpoint files use it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
