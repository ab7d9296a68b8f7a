using Chat.Messaging.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Api;

/// <summary>The problem results the feature APIs return, worded once.</summary>
public static class ApiProblems
{
    public static ValidationProblem Invalid(string field, string error) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] });

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: TitleOf(StatusCodes.Status403Forbidden), detail: detail);

    /// <summary>
    /// A refusal of the messaging domain as a problem: the same words the hub sends, the code in <c>code</c>, and a
    /// field at fault under <c>errors</c>, as for any validation problem.
    /// </summary>
    public static ProblemHttpResult ToProblem(this ChatError error)
    {
        var problem = error.Field is { } field
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [error.Message] })
            : new ProblemDetails();
        problem.Status = error.Status;
        problem.Title = error.Field is null ? TitleOf(error.Status) : problem.Title;
        problem.Detail = error.Message;
        problem.Extensions["code"] = error.Code;
        foreach (var (name, value) in error.Extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[name] = value;
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>A 429 with Retry-After, in the words the hub uses.</summary>
    public static ProblemHttpResult RateLimited(HttpContext context, TimeSpan retryAfter, string what)
    {
        context.Response.Headers.RetryAfter = ChatErrors.RetryAfterSeconds(retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ChatErrors.RateLimited(retryAfter, what).ToProblem();
    }

    /// <summary>One title per status, so a status reads the same whichever feature answers.</summary>
    private static string? TitleOf(int status) => status switch
    {
        StatusCodes.Status403Forbidden => "Forbidden",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status429TooManyRequests => "Too many requests",
        _ => null,
    };
}
