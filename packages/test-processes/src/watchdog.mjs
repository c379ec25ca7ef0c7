// Preloaded (`node --import`) into a child started by spawnNodeTs(). The test process holds the
// other end of this child's IPC channel; the operating system closes it however the test process
// dies (a failed run, a worker killed on timeout, SIGKILL), and then this child kills its whole
// process group, so no gateway or simulator is left running after its test.
if (process.channel) {
  process.channel.unref();
  process.on("disconnect", () => {
    try {
      process.kill(-process.pid, "SIGKILL");
    } catch {
      process.kill(process.pid, "SIGKILL");
    }
  });
}
