using ParkGrid.Persistence.AdoNet.Sql;

namespace ParkGrid.Persistence.AdoNet.Tests;

public sealed class OptionsAndScriptTests
{
    [Theory]
    [InlineData("", AdoNetBackend.Sqlite)]
    [InlineData("parkgrid.db", AdoNetBackend.Sqlite)]
    [InlineData("/var/lib/parkgrid/state.sqlite", AdoNetBackend.Sqlite)]
    [InlineData("sqlite:Data Source=parkgrid.db", AdoNetBackend.Sqlite)]
    [InlineData("sqlite:other.db", AdoNetBackend.Sqlite)]
    [InlineData("Data Source=parkgrid.db;Cache=Private", AdoNetBackend.Sqlite)]
    [InlineData("Host=localhost;Database=parkgrid;Username=parkgrid;Password=x", AdoNetBackend.PostgreSql)]
    [InlineData("Server=localhost;Database=parkgrid", AdoNetBackend.PostgreSql)]
    [InlineData("postgres:Host=localhost;Database=parkgrid", AdoNetBackend.PostgreSql)]
    [InlineData("pg:Host=localhost", AdoNetBackend.PostgreSql)]
    [InlineData("postgres://parkgrid:x@localhost:5433/parkgrid?sslmode=disable", AdoNetBackend.PostgreSql)]
    public void Parse_picks_the_backend(string specification, AdoNetBackend expected)
    {
        Assert.Equal(expected, AdoNetStoreOptions.Parse(specification).Backend);
    }

    [Fact]
    public void Empty_specification_is_the_default_SQLite_file_in_the_working_directory()
    {
        var options = AdoNetStoreOptions.Parse(null);
        Assert.Equal($"SQLite file {Path.GetFullPath(AdoNetStoreOptions.DefaultSqliteFile)} (WAL journal, synchronous=FULL)", options.Describe());
    }

    [Fact]
    public void Postgres_uri_is_translated()
    {
        var options = AdoNetStoreOptions.Parse("postgresql://silo:p%40ss@db.internal:6432/park_grid?sslmode=require");
        Assert.Equal("PostgreSQL db.internal:6432, database park_grid, user silo", options.Describe());
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
        Assert.Equal("p@ss", builder.Password);
        Assert.Equal(Npgsql.SslMode.Require, builder.SslMode);
    }

    [Theory]
    [InlineData("Foo=bar")]
    [InlineData("sqlite::memory:")]
    [InlineData("Data Source=:memory:")]
    [InlineData("postgres:Database=nohost")]
    public void Unusable_specifications_are_refused_with_a_message(string specification)
    {
        var e = Assert.Throws<FormatException>(() => AdoNetStoreOptions.Parse(specification));
        Assert.NotEmpty(e.Message);
    }

    [Fact]
    public void Unknown_connection_string_error_hides_the_password()
    {
        var e = Assert.Throws<FormatException>(() => AdoNetStoreOptions.Parse("Foo=bar;Password=hunter2"));
        Assert.DoesNotContain("hunter2", e.Message);
    }

    [Theory]
    [InlineData(AdoNetBackend.Sqlite)]
    [InlineData(AdoNetBackend.PostgreSql)]
    public void Embedded_scripts_are_the_files_under_deploy_sql(AdoNetBackend backend)
    {
        var folder = Path.Combine(RepositoryRoot(), "deploy", "sql", SchemaMigrator.DialectOf(backend).ScriptFolder);
        var onDisk = Directory.GetFiles(folder, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var embedded = SchemaMigrator.Scripts(backend);
        Assert.Equal(onDisk, embedded.Select(s => s.Name));
        foreach (var script in embedded)
            Assert.Equal(File.ReadAllText(Path.Combine(folder, script.Name)), script.Sql);
        Assert.Equal(Enumerable.Range(1, embedded.Count), embedded.Select(s => s.Version));
    }

    [Fact]
    public void Both_backends_know_the_same_schema_version()
    {
        Assert.Equal(SchemaMigrator.KnownVersion(AdoNetBackend.Sqlite), SchemaMigrator.KnownVersion(AdoNetBackend.PostgreSql));
    }

    [Fact]
    public void Time_encoding_is_exact_and_guards_its_range()
    {
        var instant = NodaTime.Instant.FromUtc(2025, 5, 1, 8, 0) + NodaTime.Duration.FromNanoseconds(1);
        Assert.Equal(instant, TimeEncoding.ToInstant(TimeEncoding.ToNanoseconds(instant)));
        Assert.Equal(NodaTime.Duration.MaxValue, TimeEncoding.ToDuration(TimeEncoding.ToNanoseconds(NodaTime.Duration.MaxValue)));
        var negative = NodaTime.Duration.FromNanoseconds(-5);
        Assert.Equal(negative, TimeEncoding.ToDuration(TimeEncoding.ToNanoseconds(negative)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeEncoding.ToNanoseconds(NodaTime.Instant.MaxValue));
    }

    [Fact]
    public void Dialects_bind_the_parameters_their_statements_name()
    {
        foreach (SqlDialect dialect in new SqlDialect[] { SqliteDialect.Instance, PostgreSqlDialect.Instance })
        foreach (var property in typeof(SqlDialect).GetProperties().Where(p => p.PropertyType == typeof(SqlStatement)))
        {
            var statement = (SqlStatement)property.GetValue(dialect)!;
            for (var i = 0; i < statement.ParameterNames.Count; i++)
            {
                var reference = dialect is PostgreSqlDialect ? $"${i + 1}" : statement.ParameterNames[i];
                Assert.True(statement.Text.Contains(reference, StringComparison.Ordinal), $"{dialect.Backend}.{property.Name} does not use {reference}");
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (Directory.Exists(Path.Combine(directory.FullName, "deploy", "sql")) && Directory.Exists(Path.Combine(directory.FullName, "src")))
                return directory.FullName;
        throw new InvalidOperationException($"No repository root with deploy/sql above {AppContext.BaseDirectory}.");
    }
}
