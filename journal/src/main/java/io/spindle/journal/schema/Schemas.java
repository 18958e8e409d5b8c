package io.spindle.journal.schema;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.xml.IrGenerator;
import uk.co.real_logic.sbe.xml.MessageSchema;
import uk.co.real_logic.sbe.xml.ParserOptions;
import uk.co.real_logic.sbe.xml.XmlSchemaParser;

/**
 * Loads SBE schemas into SBE's intermediate representation, from a file or from the classpath.
 * <p>
 * Used at start-up and by the tools, never on the hot path.
 */
public final class Schemas
{
    /**
     * Prefix of a location that names a classpath resource rather than a file.
     */
    public static final String CLASSPATH_PREFIX = "classpath:";

    /**
     * The reference feed schema, shipped in the codecs jar.
     */
    public static final String REFERENCE_FEED = CLASSPATH_PREFIX + "schemas/spindle-feed.xml";

    /**
     * The journal schema: record header, gap and reject records.
     */
    public static final String JOURNAL = CLASSPATH_PREFIX + "schemas/spindle-journal.xml";

    private Schemas()
    {
    }

    /**
     * Parse an SBE XML schema into IR.
     *
     * @param location a file path, or {@code classpath:} followed by a resource name.
     * @return the schema's IR.
     * @throws IllegalArgumentException naming the location when it cannot be read or is not a valid schema.
     */
    public static Ir loadIr(final String location)
    {
        return parse(read(location), location);
    }

    /**
     * Read an SBE XML schema's bytes, as they are: what a journal stores of it.
     *
     * @param location a file path, or {@code classpath:} followed by a resource name.
     * @return the bytes.
     * @throws IllegalArgumentException naming the location when it cannot be read.
     */
    public static byte[] read(final String location)
    {
        try (InputStream in = open(location))
        {
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot load SBE schema " + location + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Parse an SBE XML schema's bytes into IR.
     *
     * @param xml      the schema's XML.
     * @param location where it came from, for the error.
     * @return the schema's IR.
     * @throws IllegalArgumentException naming the location when it is not a valid schema.
     */
    public static Ir parse(final byte[] xml, final String location)
    {
        try (InputStream in = new ByteArrayInputStream(xml))
        {
            final ParserOptions options = ParserOptions.builder().stopOnError(true).suppressOutput(true).build();
            final MessageSchema schema = XmlSchemaParser.parse(in, options);
            return new IrGenerator().generate(schema);
        }
        catch (final IllegalArgumentException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IllegalArgumentException("cannot load SBE schema " + location + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * The SHA-256 of a schema's XML bytes: what tells two schemas apart in a journal.
     *
     * @param xml the schema's XML.
     * @return the digest, 32 bytes.
     */
    public static byte[] sha256(final byte[] xml)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(xml);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every Java platform has SHA-256", ex);
        }
    }

    private static InputStream open(final String location) throws IOException
    {
        if (location.startsWith(CLASSPATH_PREFIX))
        {
            final String resource = location.substring(CLASSPATH_PREFIX.length());
            final InputStream in = Schemas.class.getClassLoader().getResourceAsStream(resource);
            if (null == in)
            {
                throw new IllegalArgumentException("cannot load SBE schema " + location + ": no such resource");
            }
            return in;
        }

        final Path path = Path.of(location);
        if (!Files.isReadable(path) || Files.isDirectory(path))
        {
            throw new IllegalArgumentException("cannot load SBE schema " + location + ": not a readable file");
        }
        return Files.newInputStream(path);
    }
}
