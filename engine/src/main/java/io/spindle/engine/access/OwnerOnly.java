package io.spindle.engine.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Restricts the engine's files to the user that runs it: {@code rw-------} for files, {@code rwx------} for
 * directories, where the file system has POSIX permissions (elsewhere it does nothing).
 * <p>
 * Counters, the error log and the lock file say what the engine is taking and from where; the journals hold the
 * data itself. Only the operator should read them. Called at start, off the hot path.
 */
public final class OwnerOnly
{
    /**
     * Permissions of a file only its owner may read and write.
     */
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    /**
     * Permissions of a directory only its owner may list, enter and change.
     */
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly()
    {
    }

    /**
     * Whether the file system holding a path has POSIX permissions.
     *
     * @param path an existing file or directory.
     * @return true when permissions can be set.
     */
    public static boolean isSupported(final Path path)
    {
        return null != Files.getFileAttributeView(path, PosixFileAttributeView.class);
    }

    /**
     * Make an existing file or directory readable and writable by its owner only.
     *
     * @param path an existing file or directory.
     * @throws UncheckedIOException when the permissions cannot be set.
     */
    public static void restrict(final Path path)
    {
        if (isSupported(path))
        {
            try
            {
                Files.setPosixFilePermissions(path, Files.isDirectory(path) ? DIRECTORY : FILE);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot make " + path + " owner-only: " + ex.getMessage(), ex);
            }
        }
    }
}
