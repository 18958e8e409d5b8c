package io.spindle.engine;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import io.spindle.journal.OwnerOnly;

/**
 * Keeps the embedded media driver's directory ({@code spindle.embedded.aeron.dir}: {@code cnc.dat},
 * {@code loss-report.dat}, the log buffers) to the engine's user.
 * <p>
 * Aeron 1.51's driver deletes the directory it is given when no driver is active there and makes it again with the
 * process's umask, and has no setting for permissions. So the engine checks a directory already there before the
 * launch, as it checks its own (a link, another user's directory, or one others can write in is refused: in a shared
 * place such as {@code /dev/shm} another user could have made it), and, as soon as the driver has made it, checks it
 * again and makes it and what is in it owner-only, before any client connects or any log buffer is made. For the
 * moments between the two, {@code umask 077} in the engine's environment closes the gap.
 */
final class EmbeddedDriverDirectory
{
    private EmbeddedDriverDirectory()
    {
    }

    /**
     * Check the directory before the driver is launched, if it is there.
     *
     * @param dirName the driver's directory.
     * @throws IllegalArgumentException naming {@code spindle.embedded.aeron.dir} when it is not safe to use.
     */
    static void checkBeforeLaunch(final String dirName)
    {
        final Path dir = Path.of(dirName);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS))
        {
            check(dir);
        }
    }

    /**
     * Check the directory the driver made and make it, and everything in it, owner-only.
     *
     * @param dirName the driver's directory.
     * @throws IllegalArgumentException naming {@code spindle.embedded.aeron.dir} when it is not safe to use.
     */
    static void restrictAfterLaunch(final String dirName)
    {
        final Path dir = Path.of(dirName);
        if (Files.isSymbolicLink(dir))
        {
            check(dir);
        }
        try
        {
            OwnerOnly.restrictTree(dir);
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException(
                SpindleEngine.Configuration.EMBEDDED_AERON_DIR_PROP_NAME + "=" + dirName + ": " + ex.getMessage(), ex);
        }
        check(dir);
    }

    private static void check(final Path dir)
    {
        try
        {
            OwnerOnly.checkDirectory(dir);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(
                SpindleEngine.Configuration.EMBEDDED_AERON_DIR_PROP_NAME + "=" + dir + ": " + ex.getMessage(), ex);
        }
    }
}
