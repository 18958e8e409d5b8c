package io.spindle.engine.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.protocol.DataHeaderFlyweight;
import io.spindle.engine.access.SourceAllowList;
import org.agrona.SystemUtil;

/**
 * What a feedback response channel may be: no more than feedback needs, so that a Connect cannot make the engine bind
 * a socket, send anywhere, or map a large log buffer.
 * <ul>
 *     <li>{@code aeron:ipc}, from any source; or</li>
 *     <li>{@code aeron:udp} with an {@code endpoint} that is an IP address literal (never a host name: no DNS lookup
 *     on the ingest thread) and a port, unicast, and where publishers may be: inside the networks of
 *     {@code spindle.ingest.allowed.sources} (loopback only for a Connect that came over IPC; with an allow-list of
 *     {@code *}, the address the Connect came from, or loopback for a route read back from the journal);</li>
 *     <li>no parameters but {@code endpoint}, {@code term-length} (a power of two from 64 KiB to the engine's cap)
 *     and {@code mtu}.</li>
 * </ul>
 * The engine publishes on a channel it writes itself from the values checked ({@link #publicationChannel}), with
 * the minimum term length when the Connect names none, so nothing else the Connect's text holds reaches the driver.
 * <p>
 * Ingest thread, on a Connect or at start; allocates (a Connect is not on the per-message path).
 */
final class ResponseChannels
{
    /**
     * Aeron's shortest term, and the one a response publication gets when its channel names none.
     */
    static final int MIN_TERM_LENGTH = 64 * 1024;

    /**
     * Longest text of a refused channel (or of anything in it) that goes into the error log.
     */
    static final int MAX_QUOTED_LENGTH = 96;

    private static final int MAX_UDP_PAYLOAD_LENGTH = 65504;
    private static final int FRAME_ALIGNMENT = 32;

    private final SourceAllowList sources;
    private final int maxTermLength;
    private String problem;

    /**
     * @param sources       the engine's allowed sources; null or {@code *} for any.
     * @param maxTermLength longest term a response publication may have, a power of two of at least 64 KiB.
     */
    ResponseChannels(final SourceAllowList sources, final int maxTermLength)
    {
        this.sources = null == sources || sources.isAny() ? null : sources;
        this.maxTermLength = maxTermLength;
    }

    /**
     * The channel the engine publishes a response on, checked against what feedback needs.
     *
     * @param channel        as the Connect (or the journal's record of one) names it.
     * @param sourceIdentity of the image the Connect came on ({@code ip:port} or {@code aeron:ipc}); null when not
     *                       known (a route read back from the journal).
     * @return the channel to publish on, or null when refused ({@link #problem()} says why).
     */
    String publicationChannel(final String channel, final String sourceIdentity)
    {
        problem = null;
        final ChannelUri uri;
        try
        {
            uri = ChannelUri.parse(channel);
        }
        catch (final RuntimeException ex)
        {
            return refuse("response channel " + quoted(channel) + " is not an Aeron channel");
        }
        if (null != uri.prefix() && !uri.prefix().isEmpty())
        {
            return refuse("response channel " + quoted(channel) + " has a prefix (" + quoted(uri.prefix()) + ")");
        }
        final boolean isUdp = CommonContext.UDP_MEDIA.equals(uri.media());
        if (!isUdp && !CommonContext.IPC_MEDIA.equals(uri.media()))
        {
            return refuse("response channel " + quoted(channel) + " is neither aeron:ipc nor aeron:udp");
        }

        final String[] unknown = new String[1];
        uri.forEachParameter((name, value) ->
        {
            if (null == unknown[0] && !CommonContext.TERM_LENGTH_PARAM_NAME.equals(name) &&
                !CommonContext.MTU_LENGTH_PARAM_NAME.equals(name) &&
                !(isUdp && CommonContext.ENDPOINT_PARAM_NAME.equals(name)))
            {
                unknown[0] = name;
            }
        });
        if (null != unknown[0])
        {
            return refuse("response channel " + quoted(channel) + " has the parameter " + quoted(unknown[0]) +
                "; feedback takes only endpoint (udp), term-length and mtu");
        }

        final int termLength = termLength(uri.get(CommonContext.TERM_LENGTH_PARAM_NAME));
        final int mtu = mtu(uri.get(CommonContext.MTU_LENGTH_PARAM_NAME));
        if (null != problem)
        {
            return refuse("response channel " + quoted(channel) + ": " + problem);
        }

        final StringBuilder result = new StringBuilder(isUdp ? "aeron:udp?" : "aeron:ipc?");
        if (isUdp)
        {
            final String endpoint = endpoint(uri.get(CommonContext.ENDPOINT_PARAM_NAME), sourceIdentity);
            if (null == endpoint)
            {
                return refuse("response channel " + quoted(channel) + ": " + problem);
            }
            result.append(CommonContext.ENDPOINT_PARAM_NAME).append('=').append(endpoint).append('|');
        }
        result.append(CommonContext.TERM_LENGTH_PARAM_NAME).append('=').append(termLength);
        if (0 != mtu)
        {
            result.append('|').append(CommonContext.MTU_LENGTH_PARAM_NAME).append('=').append(mtu);
        }
        return result.toString();
    }

    /**
     * Why the last channel was refused.
     *
     * @return the reason, bounded in length, or null when it was taken.
     */
    String problem()
    {
        return problem;
    }

    /**
     * Attacker-chosen text as it may go into the error log: printable ASCII only, at most
     * {@value #MAX_QUOTED_LENGTH} characters, quoted, with its full length when cut.
     *
     * @param text to quote.
     * @return the quoted text.
     */
    static String quoted(final String text)
    {
        final int length = Math.min(text.length(), MAX_QUOTED_LENGTH);
        final StringBuilder quoted = new StringBuilder(length + 32).append('\'');
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(i);
            quoted.append(c >= ' ' && c <= '~' ? c : '?');
        }
        quoted.append('\'');
        if (text.length() > length)
        {
            quoted.append("... (").append(text.length()).append(" characters)");
        }
        return quoted.toString();
    }

    private String refuse(final String why)
    {
        problem = why;
        return null;
    }

    private int termLength(final String value)
    {
        if (null == value)
        {
            return MIN_TERM_LENGTH;
        }
        final long length = size(value);
        if (length < MIN_TERM_LENGTH || length > maxTermLength || Long.bitCount(length) != 1)
        {
            problem = "term-length " + quoted(value) + " is not a power of two from " + MIN_TERM_LENGTH + " to " +
                maxTermLength + " (spindle.feedback.max.term.length)";
            return 0;
        }
        return (int)length;
    }

    private int mtu(final String value)
    {
        if (null == value)
        {
            return 0;
        }
        final long mtu = size(value);
        if (mtu <= DataHeaderFlyweight.HEADER_LENGTH || mtu > MAX_UDP_PAYLOAD_LENGTH || mtu % FRAME_ALIGNMENT != 0)
        {
            problem = "mtu " + quoted(value) + " is not a multiple of " + FRAME_ALIGNMENT + " from " +
                (DataHeaderFlyweight.HEADER_LENGTH + FRAME_ALIGNMENT) + " to " + MAX_UDP_PAYLOAD_LENGTH;
            return 0;
        }
        return (int)mtu;
    }

    private static long size(final String value)
    {
        try
        {
            return SystemUtil.parseSize("size", value);
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
    }

    /**
     * The endpoint to answer on, when it is an address literal and port where feedback may go; else null and why.
     */
    private String endpoint(final String endpoint, final String sourceIdentity)
    {
        if (null == endpoint)
        {
            return refuse("aeron:udp needs an endpoint (address:port)");
        }
        final String host;
        final String portText;
        if (endpoint.startsWith("["))
        {
            final int close = endpoint.indexOf(']');
            if (close < 0 || close + 1 >= endpoint.length() || endpoint.charAt(close + 1) != ':')
            {
                return refuse("endpoint " + quoted(endpoint) + " is not [address]:port");
            }
            host = endpoint.substring(1, close);
            portText = endpoint.substring(close + 2);
        }
        else
        {
            final int colon = endpoint.indexOf(':');
            if (colon < 0 || colon != endpoint.lastIndexOf(':'))
            {
                return refuse("endpoint " + quoted(endpoint) + " is not address:port ([address]:port for IPv6)");
            }
            host = endpoint.substring(0, colon);
            portText = endpoint.substring(colon + 1);
        }

        final byte[] address;
        final InetAddress inetAddress;
        try
        {
            address = SourceAllowList.addressLiteral(host);
            inetAddress = InetAddress.getByAddress(address);
        }
        catch (final IllegalArgumentException | UnknownHostException ex)
        {
            return refuse("endpoint " + quoted(endpoint) + " is not an IP address literal (host names are not " +
                "looked up)");
        }
        final int port = portText.matches("[0-9]{1,5}") ? Integer.parseInt(portText) : -1;
        if (port < 1 || port > 65535)
        {
            return refuse("endpoint " + quoted(endpoint) + " has no port from 1 to 65535");
        }
        if (inetAddress.isMulticastAddress() || inetAddress.isAnyLocalAddress() || isBroadcast(address))
        {
            return refuse("endpoint " + quoted(endpoint) + " is not a unicast address");
        }
        if (!isAllowed(address, inetAddress.isLoopbackAddress(), sourceIdentity))
        {
            return refuse("endpoint " + quoted(endpoint) + " is outside where publishers may be (" +
                where(sourceIdentity) + ")");
        }
        return endpoint;
    }

    private boolean isAllowed(final byte[] address, final boolean isLoopback, final String sourceIdentity)
    {
        if (SourceAllowList.isIpc(sourceIdentity))
        {
            return isLoopback;
        }
        if (null != sources)
        {
            return sources.allowsAddress(address) || (null == sourceIdentity && isLoopback);
        }
        return null == sourceIdentity ? isLoopback :
            Arrays.equals(address, SourceAllowList.sourceAddress(sourceIdentity));
    }

    private String where(final String sourceIdentity)
    {
        if (SourceAllowList.isIpc(sourceIdentity))
        {
            return "loopback, for a Connect over IPC";
        }
        if (null != sources)
        {
            return "spindle.ingest.allowed.sources=" + quoted(sources.toString());
        }
        return null == sourceIdentity ? "loopback, for a route read back from the journal with any source allowed" :
            "the Connect's own source " + quoted(sourceIdentity) + ", with any source allowed";
    }

    private static boolean isBroadcast(final byte[] address)
    {
        return 4 == address.length && (address[0] & address[1] & address[2] & address[3]) == (byte)0xFF;
    }
}
