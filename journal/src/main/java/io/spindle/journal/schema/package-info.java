/**
 * Schemas and validation: an SBE XML schema loaded into SBE's IR ({@link io.spindle.journal.schema.Schemas}), the
 * validation tables built from it once ({@link io.spindle.journal.schema.SchemaValidator}), and the reject reasons.
 */
package io.spindle.journal.schema;
