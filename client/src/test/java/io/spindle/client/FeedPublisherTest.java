package io.spindle.client;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.spindle.codecs.feed.BookUpdateDecoder;
import io.spindle.codecs.feed.MessageHeaderDecoder;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteDecoder;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;
import io.aeron.FragmentAssembler;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class FeedPublisherTest
{
    private static final long TIMEOUT_NS = 10_000_000_000L;

    private MediaDriver driver;
    private Aeron aeron;
    private ExclusivePublication publication;
    private Subscription subscription;
    private final List<String> received = new ArrayList<>();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final QuoteDecoder quote = new QuoteDecoder();
    private final BookUpdateDecoder book = new BookUpdateDecoder();

    @BeforeEach
    void setUp()
    {
        final String dir = CommonContext.generateRandomDirName();
        driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
        subscription = aeron.addSubscription("aeron:ipc", 7);
        publication = aeron.addExclusivePublication("aeron:ipc", 7);
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        while (!publication.isConnected())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("publication not connected to the subscription after 10 s");
            }
            Thread.yield();
        }
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(aeron, driver);
    }

    @Test
    void shouldNumberAndStampMessagesAndSendLongOnesInFragments()
    {
        final FeedPublisher publisher = new FeedPublisher(publication, 9, 16 * 1024);
        assertTrue(publisher.quote(111, 5, 100, 10, 101, 20, QuoteCondition.FIRM) > 0);
        final BookLevels levels = new BookLevels(500);
        for (int i = 0; i < 500; i++)
        {
            levels.add(Side.ASK, UpdateAction.CHANGE, 1000 + i, i, 1);
        }
        assertTrue(FeedPublisher.bookUpdateLength(500) > publication.maxPayloadLength());
        assertTrue(publisher.bookUpdate(222, 5, levels) > 0);
        assertEquals(2, publisher.lastSequence());

        receive(2);
        assertEquals(List.of("quote seq=1 send=111 pub=9 bid=100 ask=101", "book seq=2 send=222 pub=9 levels=500"),
            received);
    }

    @Test
    void shouldAbortClaimWhenEncodingFailsSoTheStreamIsNotHeldUp()
    {
        final FeedPublisher publisher = new FeedPublisher(publication, 9, 16 * 1024);
        assertThrows(NullPointerException.class, () -> publisher.quote(1, 5, 100, 10, 101, 20, null));
        assertEquals(0, publisher.lastSequence(), "a failed message uses no sequence number");

        assertTrue(publisher.quote(2, 5, 100, 10, 101, 20, QuoteCondition.INDICATIVE) > 0);
        receive(1);
        assertEquals(List.of("quote seq=1 send=2 pub=9 bid=100 ask=101"), received);
    }

    private void receive(final int count)
    {
        final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, h) ->
        {
            header.wrap(buffer, offset);
            if (header.templateId() == QuoteDecoder.TEMPLATE_ID)
            {
                quote.wrapAndApplyHeader(buffer, offset, header);
                received.add("quote seq=" + quote.sequence() + " send=" + quote.sendTimeNs() + " pub=" +
                    quote.publisherId() + " bid=" + quote.bidPrice().mantissa() + " ask=" +
                    quote.askPrice().mantissa());
            }
            else
            {
                book.wrapAndApplyHeader(buffer, offset, header);
                received.add("book seq=" + book.sequence() + " send=" + book.sendTimeNs() + " pub=" +
                    book.publisherId() + " levels=" + book.levels().count());
            }
        });
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        while (received.size() < count)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("received " + received.size() + " of " + count + " messages in 10 s: " + received);
            }
            subscription.poll(assembler, 10);
        }
    }
}
