/**
 * The ingest path: {@link io.spindle.engine.ingest.IngestAgent}, the engine's single writer, and the rooms it strings
 * together, one job each (see {@code docs/ARCHITECTURE.md}): source filter, reassembler, control messages, the verdict
 * of validation, sequences and sessions, feedback, the journal's side of the path, rejects, latency; and the operators'
 * commands ({@link io.spindle.engine.ingest.OperatorCommands}, {@link io.spindle.engine.ingest.SessionReset}).
 * <p>
 * Everything here runs on the ingest thread and allocates nothing per message, but what is built before it starts.
 */
package io.spindle.engine.ingest;
