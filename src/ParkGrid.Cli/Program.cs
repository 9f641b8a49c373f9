using System.Runtime.InteropServices;
using ParkGrid.Cli;

Console.OutputEncoding = System.Text.Encoding.UTF8;

// Ctrl-C (SIGINT) and SIGTERM cancel the running command instead of killing the process: watch then exits 0,
// other commands 130. A second Ctrl-C is not needed; commands stop at their next await.
using var stop = new CancellationTokenSource();
void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

return await CliApp.RunAsync(args, Console.Out, Console.Error, terminal: !Console.IsOutputRedirected, stop.Token, Console.In);
