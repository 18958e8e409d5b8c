package io.spindle.journal;

import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.checksum.Checksum;
import org.agrona.checksum.Crc32c;

/**
 * CRC-32C of message bytes, as stored in every journal record header.
 * <p>
 * Off-heap bytes go straight to the JDK's CRC-32C intrinsic through Agrona's {@link Crc32c}, which needs
 * {@code --add-opens=java.base/java.util.zip=ALL-UNNAMED} (in {@code scripts/jvm.options}); allocation free. Without
 * that flag the same checksum is computed through a copy, and allocates.
 */
public final class Checksums
{
    private static final Checksum OFF_HEAP = offHeapChecksum();
    private static final int CHUNK_LENGTH = 4096;

    private Checksums()
    {
    }

    /**
     * Whether off-heap checksums take the allocation-free path.
     *
     * @return true when the JVM was started with the flag that path needs.
     */
    public static boolean isAllocationFree()
    {
        return null != OFF_HEAP;
    }

    /**
     * CRC-32C of a range of a buffer.
     *
     * @param buffer holding the bytes, off-heap or on-heap.
     * @param offset of the first byte.
     * @param length number of bytes.
     * @return the checksum as an int.
     */
    public static int crc32c(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] array = buffer.byteArray();
        if (null == array && null != OFF_HEAP)
        {
            return OFF_HEAP.compute(buffer.addressOffset(), offset, length);
        }

        final CRC32C crc = new CRC32C();
        if (null != array)
        {
            crc.update(array, buffer.wrapAdjustment() + offset, length);
        }
        else
        {
            final byte[] chunk = new byte[Math.min(length, CHUNK_LENGTH)];
            for (int done = 0; done < length; done += chunk.length)
            {
                final int n = Math.min(chunk.length, length - done);
                buffer.getBytes(offset + done, chunk, 0, n);
                crc.update(chunk, 0, n);
            }
        }
        return (int)crc.getValue();
    }

    private static Checksum offHeapChecksum()
    {
        try
        {
            return Crc32c.INSTANCE;
        }
        catch (final Throwable ex)
        {
            return null;
        }
    }
}
