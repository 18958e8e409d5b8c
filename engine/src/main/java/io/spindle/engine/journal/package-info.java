/**
 * The journal's format: records (a record header, itself an SBE composite, and one whole SBE message) in a Chronicle
 * Queue, written by {@link io.spindle.engine.journal.JournalWriter}, read by
 * {@link io.spindle.engine.journal.JournalReader}, searched by {@link io.spindle.engine.journal.JournalSeek}, each
 * checksummed with CRC-32C ({@link io.spindle.engine.journal.Checksums}). Readable without the engine running.
 */
package io.spindle.engine.journal;
