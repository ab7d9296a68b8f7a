namespace Chat.Api.Users;

public sealed record UserResponse(Guid Id, string Username, string DisplayName, DateTimeOffset CreatedAt);

public sealed record UserPage(IReadOnlyList<UserResponse> Items, int Page, int PageSize, bool HasMore);
