package io.spindle.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.spindle.engine.SpindleEngine;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Spindle's journal append beside raw Chronicle Queue appends of the same bytes, in the same run.
 * <p>
 * {@code spindle} is {@link JournalWriter#appendMessage}: record header, CRC-32C and the message copied once from an
 * off-heap buffer. {@code chronicleDocument} writes the same header and message bytes through
 * {@code writingDocument()} without a checksum: Spindle's cost over it is the checksum and the header encoding.
 * {@code chronicleWriteBytes} appends a prebuilt record with {@code writeBytes}, Chronicle's fastest path and the
 * ceiling for one document per message. {@code spindleBatched} is the engine's journal, 16 records to a document and a
 * commit; {@code chronicleBatchedDocument} writes 16 records to a document with Chronicle alone. Each is scored per
 * record. Run with {@code -prof gc} to see allocation per append.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JournalAppendBenchmark
{
    private static final int RECORD_HEADER_LENGTH = 38;
    private static final int BATCH = 16;

    @Param({ "64", "256", "1024", "4096" })
    int messageLength;

    private Path dir;
    private JournalWriter spindle;
    private JournalWriter spindleBatched;
    private SingleChronicleQueue chronicle;
    private ExcerptAppender appender;
    private UnsafeBuffer message;
    private Bytes<?> prebuiltRecord;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = Files.createTempDirectory("spindle-bench");
        message = new UnsafeBuffer(BufferUtil.allocateDirectAligned(8192, 64));
        for (int i = 0; i < messageLength; i++)
        {
            message.putByte(i, (byte)i);
        }
        spindle = new JournalWriter(dir.resolve("spindle"), Journals.rollCycle("LARGE_DAILY"),
            SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT);
        spindleBatched = new JournalWriter(dir.resolve("spindle-batched"), Journals.rollCycle("LARGE_DAILY"),
            SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT)
            .batch(BATCH, SpindleEngine.Configuration.BATCH_BYTES_DEFAULT);
        chronicle = Journals.openForWrite(dir.resolve("chronicle"), Journals.rollCycle("LARGE_DAILY"),
            SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT);
        appender = chronicle.createAppender();
        prebuiltRecord = Bytes.allocateElasticDirect(RECORD_HEADER_LENGTH + messageLength);
        prebuiltRecord.unsafeWrite(message.addressOffset(), RECORD_HEADER_LENGTH + messageLength);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        spindle.close();
        spindleBatched.close();
        appender.close();
        chronicle.close();
        prebuiltRecord.releaseLast();
        IoUtil.delete(new File(dir.toString()), true);
    }

    @Benchmark
    public long spindle()
    {
        return spindle.appendMessage(1L, 1001, 7, 128L, 101, 2, 2, message, 0, messageLength);
    }

    @Benchmark
    public void chronicleDocument()
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.unsafeWrite(message.addressOffset(), RECORD_HEADER_LENGTH);
            bytes.unsafeWrite(message.addressOffset(), messageLength);
        }
    }

    @Benchmark
    public void chronicleWriteBytes()
    {
        appender.writeBytes(prebuiltRecord);
    }

    /**
     * Spindle's journal as the engine writes it, records batched into documents: {@value #BATCH} appends and a commit,
     * scored per record, as a duty cycle that polls {@value #BATCH} messages appends them.
     *
     * @return the last document's index.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long spindleBatched()
    {
        long index = 0;
        for (int i = 0; i < BATCH; i++)
        {
            index = spindleBatched.appendMessage(1L, 1001, 7, 128L, 101, 2, 2, message, 0, messageLength);
        }
        spindleBatched.commit();
        return index;
    }

    /**
     * The same records, {@value #BATCH} to a Chronicle document, scored per record: the raw Chronicle ceiling of a
     * document per batch, beside {@link #spindleBatched()}.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void chronicleBatchedDocument()
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            for (int i = 0; i < BATCH; i++)
            {
                bytes.unsafeWrite(message.addressOffset(), RECORD_HEADER_LENGTH);
                bytes.unsafeWrite(message.addressOffset(), messageLength);
            }
        }
    }
}
