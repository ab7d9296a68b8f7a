namespace Chat.Tests.Infrastructure;

internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Tests keep their servers' data apart from a developer's running instance.</summary>
    public static string TestDataDirectory => Path.Combine(Root, ".data", "test");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Chat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Chat.sln not found above " + AppContext.BaseDirectory);
    }
}
