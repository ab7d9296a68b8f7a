using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>The byte forms docs/e2ee.md uses: unsigned 32-bit big-endian integers, UUIDs in RFC 9562 (big-endian) order.</summary>
public static class WireBytes
{
    public static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Uuid(Guid value) => value.ToByteArray(bigEndian: true);

    /// <summary>Reads its way through a message, failing as a malformed one when a field runs past the end.</summary>
    public ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; private set; }

        public readonly int Remaining => _bytes.Length - Position;

        public ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > Remaining)
            {
                throw new CryptographicException("The message is truncated.");
            }

            var taken = _bytes.Slice(Position, count);
            Position += count;
            return taken;
        }

        public byte Byte() => Take(1)[0];

        public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

        public Guid Uuid() => new(Take(16), bigEndian: true);
    }
}
