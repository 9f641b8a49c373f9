using ParkGrid.Cli;

Console.OutputEncoding = System.Text.Encoding.UTF8;
// Ctrl-C cancels the running command (watch exits 0); System.CommandLine wires the token to the action.
return await CliApp.RunAsync(args, Console.Out, Console.Error, terminal: !Console.IsOutputRedirected);
