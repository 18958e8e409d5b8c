/**
 * The journal's format: records (a record header, itself an SBE composite, and one whole SBE message) in a Chronicle
 * Queue, written by {@link io.spindle.journal.JournalWriter}, read by
 * {@link io.spindle.journal.JournalReader}, searched by {@link io.spindle.journal.JournalSeek}, each
 * checksummed with CRC-32C ({@link io.spindle.journal.Checksums}). Readable without the engine running.
 */
package io.spindle.journal;
