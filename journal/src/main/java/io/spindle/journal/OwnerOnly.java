package io.spindle.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keeps the engine's files to the user that runs it: {@code rw-------} for files, {@code rwx------} for directories,
 * where the file system has POSIX permissions (elsewhere it does nothing, and {@link #isSupported} says so).
 * <p>
 * Counters, the error log and the lock file say what the engine is taking and from where; the journals hold the
 * data itself. Only the operator should read them, and nobody else may be able to put a file, or a link to one, where
 * the engine writes: an existing directory is {@link #checkDirectory checked} as ssh checks a key file, and files are
 * {@link #createFile created} new, owner-only from the first byte, never through a symbolic link. Called at start and
 * when a journal rolls, never per message.
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

    private static final LinkOption[] NO_FOLLOW = { LinkOption.NOFOLLOW_LINKS };

    private OwnerOnly()
    {
    }

    /**
     * Whether the file system holding a path has POSIX permissions.
     *
     * @param path an existing file or directory.
     * @return true when permissions can be set and checked.
     */
    public static boolean isSupported(final Path path)
    {
        return null != Files.getFileAttributeView(path, PosixFileAttributeView.class, NO_FOLLOW);
    }

    /**
     * Make an existing file or directory readable and writable by its owner only. A symbolic link is not followed.
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
                final PosixFileAttributeView view =
                    Files.getFileAttributeView(path, PosixFileAttributeView.class, NO_FOLLOW);
                view.setPermissions(Files.isDirectory(path, NO_FOLLOW) ? DIRECTORY : FILE);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot make " + path + " owner-only: " + ex.getMessage(), ex);
            }
        }
    }

    /**
     * Make a directory and everything in it owner-only, as for a directory another program (the media driver) made
     * with the process's umask. Links inside are left as they are and not followed.
     *
     * @param dir an existing directory.
     * @throws UncheckedIOException when it cannot be walked or a permission cannot be set.
     */
    public static void restrictTree(final Path dir)
    {
        if (!isSupported(dir))
        {
            return;
        }
        restrict(dir);
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.filter((path) -> !Files.isSymbolicLink(path)).forEach(OwnerOnly::restrictIfPresent);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot make " + dir + " owner-only: " + ex.getMessage(), ex);
        }
    }

    /**
     * Create a directory only its owner may use ({@code rwx------} from the start), and its missing parents (those
     * with the process's umask), or check the one that exists with {@link #checkDirectory}.
     *
     * @param dir the directory.
     * @throws IllegalArgumentException saying why, when it cannot be created, or exists and is not safe to use.
     */
    public static void ensureDirectory(final Path dir)
    {
        if (Files.exists(dir, NO_FOLLOW))
        {
            checkDirectory(dir);
            return;
        }
        try
        {
            final Path parent = dir.toAbsolutePath().getParent();
            if (null != parent)
            {
                Files.createDirectories(parent);
            }
            if (isSupported(parent))
            {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
                restrict(dir); // the umask may take bits from the owner's too: set them
            }
            else
            {
                Files.createDirectory(dir);
            }
        }
        catch (final FileAlreadyExistsException ex)
        {
            checkDirectory(dir);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            throw new IllegalArgumentException(dir + " cannot be created: " + ex, ex);
        }
    }

    /**
     * Check an existing directory the engine is to write in, as ssh checks a key file: it must be a real directory
     * (not a symbolic link), owned by the user running the engine, and not writable by its group or others, who
     * could otherwise put their own files, or links, where the engine writes. On a file system without POSIX
     * permissions only the first is checked.
     *
     * @param dir the directory.
     * @throws IllegalArgumentException saying what is wrong and how to fix it.
     */
    public static void checkDirectory(final Path dir)
    {
        if (Files.isSymbolicLink(dir))
        {
            String target = "?";
            try
            {
                target = dir.toRealPath().toString();
            }
            catch (final IOException ex)
            {
                target = "a missing target: " + ex.getMessage();
            }
            throw new IllegalArgumentException(dir + " is a symbolic link (to " + target + "): the engine does not " +
                "follow links to where it writes; give the real path");
        }
        if (!Files.isDirectory(dir, NO_FOLLOW))
        {
            throw new IllegalArgumentException(dir + " is not a directory");
        }
        if (!isSupported(dir))
        {
            return;
        }

        final PosixFileAttributes attributes;
        final int ownerUid;
        try
        {
            attributes = Files.readAttributes(dir, PosixFileAttributes.class, NO_FOLLOW);
            ownerUid = (Integer)Files.getAttribute(dir, "unix:uid", NO_FOLLOW);
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("cannot read the owner and permissions of " + dir + ": " + ex, ex);
        }
        final long uid = currentUid();
        final String user = System.getProperty("user.name");
        if (uid >= 0 && ownerUid != uid)
        {
            throw new IllegalArgumentException(dir + " is owned by " + attributes.owner().getName() + " (uid " +
                ownerUid + "), not by " + user + " (uid " + uid + ") who runs the engine, so another user controls " +
                "what is in it: give it to the engine's user (chown " + user + " " + dir + ") or choose another " +
                "directory");
        }
        final Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) ||
            permissions.contains(PosixFilePermission.OTHERS_WRITE))
        {
            throw new IllegalArgumentException(dir + " is " + PosixFilePermissions.toString(permissions) +
                ": its group or others can write in it, and so put their own files, or links, where the engine " +
                "writes; make it its owner's alone (chmod 700 " + dir + ")");
        }
    }

    /**
     * Refuse a symbolic link where the engine is to create a file.
     *
     * @param file where a file is to be created or replaced.
     * @throws IllegalArgumentException when a symbolic link is there.
     */
    public static void checkNotLink(final Path file)
    {
        if (Files.isSymbolicLink(file))
        {
            throw new IllegalArgumentException(file + " is a symbolic link: the engine does not write its files " +
                "through links; remove it (rm " + file + ")");
        }
    }

    /**
     * Create a new, empty file, owner-only from the start, never through a symbolic link; an existing file (or link)
     * by that name is an error.
     *
     * @param file    to create.
     * @param options more options to open it with, such as {@link StandardOpenOption#READ}.
     * @return the open channel, for writing.
     * @throws UncheckedIOException when it cannot be created.
     */
    public static FileChannel createFile(final Path file, final OpenOption... options)
    {
        final OpenOption[] all = new OpenOption[options.length + 3];
        all[0] = StandardOpenOption.CREATE_NEW;
        all[1] = StandardOpenOption.WRITE;
        all[2] = LinkOption.NOFOLLOW_LINKS;
        System.arraycopy(options, 0, all, 3, options.length);
        try
        {
            final Path parent = file.toAbsolutePath().getParent();
            final FileChannel channel;
            if (isSupported(parent))
            {
                final FileAttribute<Set<PosixFilePermission>> attribute = PosixFilePermissions.asFileAttribute(FILE);
                channel = FileChannel.open(file, Set.of(all), attribute);
            }
            else
            {
                channel = FileChannel.open(file, all);
            }
            return channel;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + file + ": " + ex, ex);
        }
    }

    /**
     * Replace a file with a new one of a length, mapped to read and write, created as {@link #createFile} does.
     *
     * @param file     to create; one already there is deleted first (a link is refused).
     * @param length   of the file.
     * @param previous where the file there is kept instead of being deleted (replacing what was kept before), or
     *                 null to delete it.
     * @return the mapping, zero filled.
     */
    public static MappedByteBuffer mapNewFile(final Path file, final long length, final Path previous)
    {
        checkNotLink(file);
        try
        {
            if (null != previous && Files.exists(file, NO_FOLLOW))
            {
                checkNotLink(previous);
                Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot replace " + file + ": " + ex, ex);
        }
        try (FileChannel channel = createFile(file, StandardOpenOption.READ))
        {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot map " + file + ": " + ex, ex);
        }
    }

    /**
     * The user id of the user running this JVM.
     *
     * @return the uid, or -1 where there is none to be had (not a Unix).
     */
    public static long currentUid()
    {
        try
        {
            return new com.sun.security.auth.module.UnixSystem().getUid();
        }
        catch (final LinkageError | RuntimeException ex)
        {
            return -1;
        }
    }

    private static void restrictIfPresent(final Path path)
    {
        try
        {
            restrict(path);
        }
        catch (final UncheckedIOException ex)
        {
            if (!(ex.getCause() instanceof NoSuchFileException))
            {
                throw ex;
            }
        }
    }
}
