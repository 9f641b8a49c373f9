namespace ParkGrid.Persistence.AdoNet.Sql;

/// <summary>
/// One SQL statement of a dialect. Parameters are bound by position, in the order of <see cref="ParameterNames"/>;
/// the SQLite text refers to them by these names, the PostgreSQL text as $1, $2 … (Npgsql's fast positional mode).
/// </summary>
internal sealed class SqlStatement(string text, params string[] parameterNames)
{
    public string Text { get; } = text;
    public IReadOnlyList<string> ParameterNames { get; } = parameterNames;
    public override string ToString() => Text;
}
