/**
 * Schemas and validation: an SBE XML schema loaded into SBE's IR ({@link io.spindle.engine.schema.Schemas}), the
 * validation tables built from it once ({@link io.spindle.engine.schema.SchemaValidator}), and the reject reasons.
 */
package io.spindle.engine.schema;
