namespace Chat.Bench;

public static class Statistics
{
    /// <summary>The middle value; of an even count, the upper of the two middle ones (the rounds are odd in number).</summary>
    public static double Median(IReadOnlyCollection<double> values) => values.Order().ElementAt(values.Count / 2);
}
