package io.streamlake.ingest;

/**
 * What is wrong with one line of a request: the line's position in the request (from 1: the array
 * element, or the NDJSON record, blank lines not counted; 0 for the request as a whole), the field in
 * the Online Retail naming ({@code Quantity}, {@code InvoiceDate} ...; null when the line itself is
 * malformed) and a message.
 */
public record LineError(int line, String field, String message) {}
