using ParkGrid.Runtime;

namespace ParkGrid.Grains.Internal;

internal static class StateExtensions
{
    /// <summary>
    /// Writes the state; if the write fails, reads back what storage holds before rethrowing, so that an activation never
    /// keeps a change it could not store (the next call sees storage's truth, and a retried command applies once).
    /// </summary>
    public static async Task SaveAsync<T>(this IPersistentState<T> state)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            throw; // the runtime deactivates the activation; the next one reads storage
        }
        catch
        {
            try
            {
                await state.ReadStateAsync();
            }
            catch
            {
                // storage is unreachable: the activation keeps the unsaved copy; the caller still gets the write's error
            }

            throw;
        }
    }
}
