/**
 * The journal's format: records (a record header, itself an SBE composite, and one whole SBE message) in a Chronicle
 * Queue, written by {@link io.spindle.journal.JournalWriter}, read by
 * {@link io.spindle.journal.JournalReader}, searched by {@link io.spindle.journal.JournalSeek}, each
 * checksummed with CRC-32C ({@link io.spindle.journal.Checksums}). Readable without the engine running.
 * <p>
 * A journal is verified record by record by {@link io.spindle.journal.JournalVerifier} (what {@code spindle verify}
 * reports), each feed record read with the schema {@link io.spindle.journal.FeedSchemas} chooses for it; and read back
 * by {@link io.spindle.journal.SequenceRecovery} for what a restarted engine resumes from: each publisher and stream's
 * last sequence and epoch ({@link io.spindle.journal.PublisherStreamKeys}), and the feedback routes.
 */
package io.spindle.journal;
