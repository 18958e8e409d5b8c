/**
 * Who may feed an engine and who may read its files: the allow-lists of sources and publisher ids, and owner-only
 * file permissions.
 */
package io.spindle.engine.access;
