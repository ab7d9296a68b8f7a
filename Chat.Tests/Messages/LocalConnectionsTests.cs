using Chat.Realtime.Connections;

namespace Chat.Tests.Messages;

[Trait("Category", "Unit")]
public sealed class LocalConnectionsTests
{
    private static readonly Guid Alice = Guid.NewGuid(), Bob = Guid.NewGuid(), Carol = Guid.NewGuid();
    private static readonly Guid AlicePhone = Guid.NewGuid(), AliceLaptop = Guid.NewGuid(), BobPhone = Guid.NewGuid();

    private readonly LocalConnections _connections = new();

    public LocalConnectionsTests()
    {
        _connections.Add(Alice, "alice-phone", AlicePhone);
        _connections.Add(Alice, "alice-laptop", AliceLaptop);
        _connections.Add(Bob, "bob-phone", BobPhone);
    }

    [Fact]
    public void Finds_every_connection_of_the_users_held_here()
    {
        Assert.Equal(["alice-laptop", "alice-phone", "bob-phone"], _connections.ConnectionsOf([Alice, Bob, Carol]).Order());
    }

    [Fact]
    public void Leaves_out_the_connections_of_the_excepted_device_only()
    {
        Assert.Equal(["alice-laptop", "bob-phone"], _connections.ConnectionsOf([Alice, Bob], exceptDevice: AlicePhone).Order());
    }

    [Fact]
    public void A_removed_connection_is_no_longer_found_or_counted()
    {
        _connections.Remove(Alice, "alice-phone");
        _connections.Remove(Bob, "bob-phone");

        Assert.Equal(["alice-laptop"], _connections.ConnectionsOf([Alice, Bob]));
        Assert.Equal(1, _connections.Count);
    }
}
