using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;

using static Chat.Bench.Workloads.ApiCalls;

namespace Chat.Bench.Workloads;

/// <summary>
/// A file's way through attachments (docs/protocol.md) against the storage emulator, next to the same bytes sent
/// straight to it: each file's bytes go up and down with <c>curl</c>, once through our grants and once through a
/// grant the benchmark makes itself, so the two paths differ only in what our API adds. The API's own calls
/// (announce, complete with its hash check, the download grant) are timed apart.
/// </summary>
public static class AttachmentTransfer
{
    public sealed record Result(int Files, long FileBytes, double GrantUploadMiBps, double DirectUploadMiBps, double GrantDownloadMiBps,
        double DirectDownloadMiBps, double AnnounceMs, double CompleteMs, double GrantMs);

    public static async Task<Result> RunAsync(Uri api, string storageConnection, int files, int fileBytes, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = api };
        var alice = await RegisterAsync(http, cancellationToken);
        var bob = await RegisterAsync(http, cancellationToken);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", alice.AccessToken);
        var conversation = await ReadAsync(await http.PostAsJsonAsync("/api/conversations", new { kind = "direct", userId = bob.UserId }, cancellationToken));
        var conversationId = conversation.GetProperty("id").GetGuid();

        var bytes = RandomNumberGenerator.GetBytes(fileBytes);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, bytes, cancellationToken);
        var container = new BlobContainerClient(storageConnection, "attachments");
        var (grantUp, directUp, grantDown, directDown, announce, complete, grant) = (new List<double>(), new List<double>(), new List<double>(),
            new List<double>(), new List<double>(), new List<double>(), new List<double>());
        async Task ThroughGrantsAsync()
        {
            var started = Stopwatch.GetTimestamp();
            var upload = await ReadAsync(await http.PostAsJsonAsync($"/api/conversations/{conversationId}/attachments",
                new { size = fileBytes, contentType = "application/octet-stream", sha256 }, cancellationToken));
            announce.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var id = upload.GetProperty("attachmentId").GetGuid();
            grantUp.Add(await CurlAsync(file, upload.GetProperty("uploadUrl").GetString()!, cancellationToken));

            started = Stopwatch.GetTimestamp();
            await ReadAsync(await http.PostAsync($"/api/attachments/{id}/complete", null, cancellationToken));
            complete.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            var download = await ReadAsync(await http.GetAsync($"/api/attachments/{id}", cancellationToken));
            grant.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            grantDown.Add(await CurlAsync(null, download.GetProperty("downloadUrl").GetString()!, cancellationToken));
        }

        async Task DirectAsync()
        {
            var direct = container.GetBlobClient($"bench-direct-{Guid.NewGuid():N}");
            var directUrl = direct.GenerateSasUri(BlobSasPermissions.Create | BlobSasPermissions.Read | BlobSasPermissions.Delete, DateTimeOffset.UtcNow.AddMinutes(10));
            directUp.Add(await CurlAsync(file, directUrl.ToString(), cancellationToken));
            directDown.Add(await CurlAsync(null, directUrl.ToString(), cancellationToken));
            await direct.DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }

        try
        {
            for (var i = 0; i < files; i++)
            {
                // Alternately first, so neither path gains from following the other (a warm cache, a settled disk).
                if (i % 2 == 0)
                {
                    await ThroughGrantsAsync();
                    await DirectAsync();
                }
                else
                {
                    await DirectAsync();
                    await ThroughGrantsAsync();
                }
            }
        }
        finally
        {
            File.Delete(file);
        }

        double MiBps(List<double> seconds) => fileBytes / 1048576.0 / Statistics.Median(seconds);
        return new Result(files, fileBytes, MiBps(grantUp), MiBps(directUp), MiBps(grantDown), MiBps(directDown), Statistics.Median(announce), Statistics.Median(complete), Statistics.Median(grant));
    }

    /// <summary>One <c>curl</c>: a PUT of the file when given, else a GET; its total time in seconds.</summary>
    private static async Task<double> CurlAsync(string? upload, string url, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in upload is null
                     ? new[] { "-sS", "-f", "-o", "/dev/null", "-w", "%{time_total}", url }
                     : ["-sS", "-f", "-o", "/dev/null", "-w", "%{time_total}", "-X", "PUT", "-H", "x-ms-blob-type: BlockBlob", "--data-binary", "@" + upload, url])
        {
            start.ArgumentList.Add(argument);
        }

        using var curl = Process.Start(start)!;
        var output = await curl.StandardOutput.ReadToEndAsync(cancellationToken);
        await curl.WaitForExitAsync(cancellationToken);
        return curl.ExitCode == 0 ? double.Parse(output, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"curl failed ({curl.ExitCode}): {await curl.StandardError.ReadToEndAsync(cancellationToken)}");
    }
}
