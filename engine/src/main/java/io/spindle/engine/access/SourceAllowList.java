package io.spindle.engine.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;

/**
 * The network sources an engine takes images from: IP addresses and networks (CIDR), each with an optional port,
 * matched against the {@link io.aeron.Image#sourceIdentity() source identity} Aeron gives an image ({@code ip:port}
 * of the sender for UDP, {@code aeron:ipc} for IPC).
 * <p>
 * Syntax: a comma separated list of {@code *} (any source), {@code 10.1.2.3}, {@code 10.1.2.0/24},
 * {@code 10.1.2.3:40500}, {@code ::1}, {@code fd00::/8}, {@code [fd00::/8]:40500}. Addresses only, no host names:
 * a name would be a DNS lookup on the ingest thread, and a check only as good as the resolver. IPC images are local
 * by nature (any process that can publish over IPC can already write the media driver's files) and always pass.
 * <p>
 * Built at start; {@link #allows(String)} is called on the ingest thread once per new image, and parses the source
 * identity with {@link InetAddress} (a few small objects per image, none per message).
 */
public final class SourceAllowList
{
    /**
     * Any source.
     */
    public static final String ANY = "*";

    /**
     * The default for a channel bound to loopback: loopback senders only.
     */
    public static final String LOOPBACK = "127.0.0.0/8,::1";

    private static final String IPC_SOURCE = "aeron:ipc";
    private static final int ANY_PORT = -1;

    private final String spec;
    private final boolean isAny;
    private final byte[][] networks;
    private final int[] prefixBits;
    private final int[] ports;

    private SourceAllowList(
        final String spec, final boolean isAny, final byte[][] networks, final int[] prefixBits, final int[] ports)
    {
        this.spec = spec;
        this.isAny = isAny;
        this.networks = networks;
        this.prefixBits = prefixBits;
        this.ports = ports;
    }

    /**
     * Parse an allow-list.
     *
     * @param spec comma separated entries, see the class comment.
     * @return the list.
     * @throws IllegalArgumentException naming the entry that is not an address, network or port.
     */
    public static SourceAllowList parse(final String spec)
    {
        final List<byte[]> networks = new ArrayList<>();
        final List<Integer> prefixBits = new ArrayList<>();
        final List<Integer> ports = new ArrayList<>();
        boolean isAny = false;
        for (final String raw : spec.split(","))
        {
            final String entry = raw.trim();
            if (entry.isEmpty())
            {
                throw new IllegalArgumentException("empty entry in '" + spec + "'");
            }
            if (ANY.equals(entry))
            {
                isAny = true;
                continue;
            }

            String network = entry;
            int port = ANY_PORT;
            if (entry.startsWith("["))
            {
                final int close = entry.indexOf(']');
                if (close < 0 || (close != entry.length() - 1 && entry.charAt(close + 1) != ':'))
                {
                    throw new IllegalArgumentException("'" + entry + "' is not [address]:port");
                }
                network = entry.substring(1, close);
                port = close == entry.length() - 1 ? ANY_PORT : port(entry, entry.substring(close + 2));
            }
            else if (entry.indexOf(':') == entry.lastIndexOf(':') && entry.indexOf(':') > 0)
            {
                // One colon: IPv4 with a port. IPv6 has several, and takes a port only in brackets.
                network = entry.substring(0, entry.indexOf(':'));
                port = port(entry, entry.substring(entry.indexOf(':') + 1));
            }

            final int slash = network.indexOf('/');
            final byte[] address = address(entry, slash < 0 ? network : network.substring(0, slash));
            final int bits = slash < 0 ? address.length * 8 : prefix(entry, network.substring(slash + 1), address);
            networks.add(address);
            prefixBits.add(bits);
            ports.add(port);
        }

        final int count = networks.size();
        final int[] bits = new int[count];
        final int[] portArray = new int[count];
        for (int i = 0; i < count; i++)
        {
            bits[i] = prefixBits.get(i);
            portArray[i] = ports.get(i);
        }
        return new SourceAllowList(spec, isAny, networks.toArray(new byte[0][]), bits, portArray);
    }

    /**
     * The allow-list an engine uses when none is set: loopback senders only for a UDP channel bound to loopback, any
     * for IPC.
     *
     * @param channel the ingest channel.
     * @return the default list.
     * @throws IllegalArgumentException for a UDP channel not bound to loopback, which needs a list set explicitly.
     */
    public static String defaultFor(final String channel)
    {
        final ChannelUri uri = ChannelUri.parse(channel);
        if (!CommonContext.UDP_MEDIA.equals(uri.media()))
        {
            // IPC; any other media is not a channel at all, and the subscription says so.
            return ANY;
        }
        final InetAddress bound = boundAddress(uri);
        if (null != bound && bound.isLoopbackAddress())
        {
            return LOOPBACK;
        }
        throw new IllegalArgumentException("must be set for a channel that is not bound to loopback (" + channel +
            "): list the publishers' addresses or networks, such as 10.1.2.0/24, or * to take any source");
    }

    /**
     * Whether any source is allowed, so that nothing need be checked.
     *
     * @return true for {@code *}.
     */
    public boolean isAny()
    {
        return isAny;
    }

    /**
     * Whether an image from this source may be taken.
     *
     * @param sourceIdentity of the image: {@code ip:port}, or {@code aeron:ipc}.
     * @return true when allowed.
     */
    public boolean allows(final String sourceIdentity)
    {
        if (isAny || isIpc(sourceIdentity))
        {
            return true;
        }
        final byte[] address = sourceAddress(sourceIdentity);
        if (null == address)
        {
            return false;
        }
        final int port = Integer.parseInt(sourceIdentity.substring(sourceIdentity.lastIndexOf(':') + 1));
        for (int i = 0; i < networks.length; i++)
        {
            if ((ANY_PORT == ports[i] || port == ports[i]) && matches(networks[i], prefixBits[i], address))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an entry that names a port allows this source: the list tells this sender apart from others on its
     * host, so that what is counted per source may be counted per {@code ip:port}.
     *
     * @param sourceIdentity of an image: {@code ip:port}, or {@code aeron:ipc}.
     * @return true when an entry with a port matches its address and port.
     */
    public boolean namesPortOf(final String sourceIdentity)
    {
        final byte[] address = isIpc(sourceIdentity) ? null : sourceAddress(sourceIdentity);
        if (null == address)
        {
            return false;
        }
        final int port = Integer.parseInt(sourceIdentity.substring(sourceIdentity.lastIndexOf(':') + 1));
        for (int i = 0; i < networks.length; i++)
        {
            if (port == ports[i] && matches(networks[i], prefixBits[i], address))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an address is inside one of the listed addresses or networks, whatever port an entry names: where
     * publishers may be, as the engine's feedback may answer them.
     *
     * @param address IPv4 (4 bytes) or IPv6 (16 bytes).
     * @return true when an entry's network holds it, or the list is {@code *}.
     */
    public boolean allowsAddress(final byte[] address)
    {
        if (isAny)
        {
            return true;
        }
        for (int i = 0; i < networks.length; i++)
        {
            if (matches(networks[i], prefixBits[i], address))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a source identity is that of an IPC image.
     *
     * @param sourceIdentity of an image.
     * @return true for {@code aeron:ipc}.
     */
    public static boolean isIpc(final String sourceIdentity)
    {
        return IPC_SOURCE.equals(sourceIdentity);
    }

    /**
     * The address of a UDP image's source identity ({@code ip:port}, IPv6 with or without brackets and scope).
     *
     * @param sourceIdentity of an image.
     * @return the address bytes, or null when it is not an address and port.
     */
    public static byte[] sourceAddress(final String sourceIdentity)
    {
        final int colon = null == sourceIdentity ? -1 : sourceIdentity.lastIndexOf(':');
        if (colon <= 0)
        {
            return null;
        }
        try
        {
            String host = sourceIdentity.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]"))
            {
                host = host.substring(1, host.length() - 1);
            }
            final int scope = host.indexOf('%');
            final byte[] address = literal(scope < 0 ? host : host.substring(0, scope));
            Integer.parseInt(sourceIdentity.substring(colon + 1));
            return address;
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    /**
     * The bytes of an IP address literal: dotted IPv4, or IPv6 (hex digits, colons and dots), never a host name and
     * never a name lookup.
     *
     * @param text the literal.
     * @return 4 or 16 bytes.
     * @throws IllegalArgumentException when it is not an address literal.
     */
    public static byte[] addressLiteral(final String text)
    {
        return literal(text);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return spec;
    }

    private static boolean matches(final byte[] network, final int bits, final byte[] address)
    {
        if (network.length != address.length)
        {
            return false;
        }
        int remaining = bits;
        for (int i = 0; i < network.length && remaining > 0; i++, remaining -= 8)
        {
            final int mask = remaining >= 8 ? 0xFF : (0xFF << (8 - remaining)) & 0xFF;
            if ((network[i] & mask) != (address[i] & mask))
            {
                return false;
            }
        }
        return true;
    }

    private static InetAddress boundAddress(final ChannelUri uri)
    {
        final String endpoint = uri.get(CommonContext.ENDPOINT_PARAM_NAME);
        final String networkInterface = uri.get(CommonContext.INTERFACE_PARAM_NAME);
        try
        {
            final InetAddress endpointAddress = null == endpoint ? null : InetAddress.getByName(host(endpoint));
            if (null != endpointAddress && !endpointAddress.isMulticastAddress())
            {
                return endpointAddress;
            }
            // Multicast, or no endpoint: what the channel is bound to is its interface.
            if (null != networkInterface)
            {
                final String host = host(networkInterface);
                final int slash = host.indexOf('/');
                return InetAddress.getByName(slash < 0 ? host : host.substring(0, slash));
            }
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("cannot resolve the channel's address: " + ex.getMessage(), ex);
        }
        return null;
    }

    private static String host(final String hostAndPort)
    {
        if (hostAndPort.startsWith("["))
        {
            final int close = hostAndPort.indexOf(']');
            return close < 0 ? hostAndPort : hostAndPort.substring(1, close);
        }
        final int colon = hostAndPort.lastIndexOf(':');
        return colon < 0 || hostAndPort.indexOf(':') != colon ? hostAndPort : hostAndPort.substring(0, colon);
    }

    private static byte[] address(final String entry, final String text)
    {
        try
        {
            return literal(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address or network (address/bits): " +
                ex.getMessage());
        }
    }

    /**
     * The bytes of an IPv4 or IPv6 address literal, never looking a name up.
     */
    private static byte[] literal(final String text)
    {
        if (text.isEmpty())
        {
            throw new IllegalArgumentException("no address");
        }
        if (text.indexOf(':') < 0)
        {
            final String[] octets = text.split("\\.", -1);
            if (octets.length != 4)
            {
                throw new IllegalArgumentException(text + " is not a dotted IPv4 address");
            }
            final byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++)
            {
                final int octet = octets[i].matches("[0-9]{1,3}") ? Integer.parseInt(octets[i]) : -1;
                if (octet < 0 || octet > 255)
                {
                    throw new IllegalArgumentException(text + " is not a dotted IPv4 address");
                }
                bytes[i] = (byte)octet;
            }
            return bytes;
        }
        if (!text.matches("[0-9a-fA-F:.]+"))
        {
            throw new IllegalArgumentException(text + " is not an IPv6 address");
        }
        try
        {
            // An IPv6 literal (hex digits and colons, so never a host name) is parsed, not looked up.
            return InetAddress.getByName("[" + text + "]").getAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(text + " is not an IPv6 address", ex);
        }
    }

    private static int prefix(final String entry, final String text, final byte[] address)
    {
        final int bits = text.matches("[0-9]{1,3}") ? Integer.parseInt(text) : -1;
        if (bits < 0 || bits > address.length * 8)
        {
            throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0.." + address.length * 8);
        }
        return bits;
    }

    private static int port(final String entry, final String text)
    {
        final int port = text.matches("[0-9]{1,5}") ? Integer.parseInt(text) : -1;
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("'" + entry + "' has a port outside 1..65535");
        }
        return port;
    }
}
