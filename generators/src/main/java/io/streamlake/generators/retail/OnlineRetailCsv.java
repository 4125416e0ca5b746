package io.streamlake.generators.retail;

import io.streamlake.events.retail.InvoiceLine;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes invoice lines as CSV in the format of the public UCI "Online Retail" dataset
 * (as commonly exported to CSV):
 *
 * <pre>
 * InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
 * 536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom
 * C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527.0,United Kingdom
 * </pre>
 *
 * <ul>
 *   <li>Fields are separated by commas; a field holding a comma, a double quote or a line break is
 *       enclosed in double quotes, a double quote inside doubled (RFC 4180). Fields are not
 *       trimmed. Lines end with {@code \n} when written; {@code \r\n} and {@code \r} are read too.
 *   <li>{@code InvoiceDate} is {@code M/d/yyyy H:mm} in UTC; it has minute precision, so the writer
 *       drops seconds and milliseconds (a scenario run at a rate of 1/60 has whole minutes).
 *   <li>{@code UnitPrice} is a decimal of pounds ({@code 2.55} = 255 pence); the writer drops
 *       trailing zeros ({@code 2.1}, {@code 3}), the reader takes any number of decimals that is a
 *       whole number of pence ({@code 2.50}), and may be negative (the dataset's bad-debt
 *       adjustments).
 *   <li>{@code CustomerID} is written as {@code 17850.0} (as the dataset's pandas export has it) or
 *       empty for none; {@code 17850} is read too. The record holds {@code "17850"}.
 *   <li>An empty {@code Description} is a null description, and a null one is written empty.
 * </ul>
 *
 * <p><b>Reading</b> never skips data silently and never stops at bad data: each line that cannot
 * be read is reported as a {@link LineError} with its line number (the first physical line of the
 * record; the header is line 1), the reason and its text, and reading goes on with the next line.
 * Blank lines are ignored. A missing or different header is not a data error but a wrong file: an
 * {@link IllegalArgumentException}. {@code line_no} is assigned per invoice number in file order,
 * counting the lines that were read; {@code event_id} is {@link RetailScenario#eventId}{@code
 * (invoice_no, line_no)}, so lines written from {@link RetailScenario} read back equal.
 */
public final class OnlineRetailCsv {
  public static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
  private static final List<String> COLUMNS = List.of(HEADER.split(","));
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("M/d/uuuu H:mm").withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern INVOICE_NO = Pattern.compile("[A-Za-z]?\\d+");
  private static final Pattern WHOLE = Pattern.compile("-?\\d{1,10}");
  private static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");
  private static final Pattern CUSTOMER = Pattern.compile("(\\d+)(\\.0+)?");
  private static final int MAX_TEXT = 200;

  private OnlineRetailCsv() {}

  /** A line that could not be read: its line number in the file, why, and (the start of) its text. */
  public record LineError(long lineNumber, String reason, String text) {
    @Override
    public String toString() {
      return "line " + lineNumber + ": " + reason + " in: " + text;
    }
  }

  /** What a file held: the lines read, in file order, and the lines that could not be read. */
  public record Result(List<InvoiceLine> lines, List<LineError> errors) {
    public Result {
      lines = List.copyOf(lines);
      errors = List.copyOf(errors);
    }
  }

  // ---------------------------------------------------------------- reading

  /** Reads a UTF-8 file. */
  public static Result read(Path file) {
    return read(file, StandardCharsets.UTF_8);
  }

  /** Reads a file in a charset (the dataset's usual CSV export is ISO-8859-1). */
  public static Result read(Path file, Charset charset) {
    try (BufferedReader in = Files.newBufferedReader(file, charset)) {
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Reads everything into memory. */
  public static Result read(Reader in) throws IOException {
    List<InvoiceLine> lines = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    read(in, lines::add, errors::add);
    return new Result(lines, errors);
  }

  /** Reads line by line, handing each line read and each error over as it comes. */
  public static void read(Reader in, Consumer<InvoiceLine> lines, Consumer<LineError> errors) throws IOException {
    Records records = new Records(in);
    Records.Raw header = records.next();
    if (header == null) {
      throw new IllegalArgumentException("empty file: expected the header " + HEADER);
    }
    List<String> names = new ArrayList<>(header.fields());
    if (!names.isEmpty() && names.get(0).startsWith("\uFEFF")) {
      names.set(0, names.get(0).substring(1)); // byte order mark
    }
    if (header.error() != null || !names.equals(COLUMNS)) {
      throw new IllegalArgumentException("line " + header.line() + ": expected the header " + HEADER
          + " but found " + shorten(header.text()));
    }
    Map<String, Integer> lineNumbers = new HashMap<>();
    for (Records.Raw raw = records.next(); raw != null; raw = records.next()) {
      String problem = raw.error() != null ? raw.error() : problem(raw.fields());
      if (problem != null) {
        errors.accept(new LineError(raw.line(), problem, shorten(raw.text())));
        continue;
      }
      List<String> f = raw.fields();
      String invoiceNo = f.get(0);
      int lineNo = lineNumbers.merge(invoiceNo, 1, Integer::sum);
      Matcher customer = CUSTOMER.matcher(f.get(6));
      lines.accept(new InvoiceLine(RetailScenario.eventId(invoiceNo, lineNo), invoiceNo, lineNo, f.get(1),
          f.get(2).isEmpty() ? null : f.get(2), Integer.parseInt(f.get(3)), date(f.get(4)), pence(f.get(5)),
          customer.matches() ? customer.group(1) : null, f.get(7)));
    }
  }

  /** What is wrong with a record's fields, or null if nothing. */
  private static String problem(List<String> f) {
    if (f.size() != COLUMNS.size()) {
      return "expected " + COLUMNS.size() + " fields but found " + f.size();
    }
    List<String> problems = new ArrayList<>();
    if (!INVOICE_NO.matcher(f.get(0)).matches()) {
      problems.add("InvoiceNo '" + f.get(0) + "' is not digits with an optional letter in front");
    }
    if (f.get(1).isEmpty()) {
      problems.add("StockCode is empty");
    }
    if (!WHOLE.matcher(f.get(3)).matches() || !fitsInt(f.get(3))) {
      problems.add("Quantity '" + f.get(3) + "' is not a whole number");
    }
    try {
      date(f.get(4));
    } catch (DateTimeParseException e) {
      problems.add("InvoiceDate '" + f.get(4) + "' is not a date like 12/1/2010 8:26");
    }
    if (!DECIMAL.matcher(f.get(5)).matches()) {
      problems.add("UnitPrice '" + f.get(5) + "' is not a decimal number");
    } else {
      try {
        pence(f.get(5));
      } catch (ArithmeticException e) {
        problems.add("UnitPrice '" + f.get(5) + "' is not a whole number of pence or out of range");
      }
    }
    if (!f.get(6).isEmpty() && !CUSTOMER.matcher(f.get(6)).matches()) {
      problems.add("CustomerID '" + f.get(6) + "' is not a number like 17850.0");
    }
    if (f.get(7).isEmpty()) {
      problems.add("Country is empty");
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  private static boolean fitsInt(String digits) {
    long value = Long.parseLong(digits);
    return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
  }

  private static Instant date(String text) {
    return LocalDateTime.parse(text, DATE).toInstant(ZoneOffset.UTC);
  }

  private static long pence(String text) {
    return new BigDecimal(text).movePointRight(2).longValueExact();
  }

  private static String shorten(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
  }

  // ---------------------------------------------------------------- writing

  /** Writes the header and the lines to a UTF-8 file. */
  public static void write(Path file, Iterable<InvoiceLine> lines) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(out, lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Writes the header and the lines. */
  public static void write(Writer out, Iterable<InvoiceLine> lines) throws IOException {
    out.write(HEADER);
    out.write('\n');
    for (InvoiceLine line : lines) {
      out.write(row(line));
      out.write('\n');
    }
  }

  /** One line as one CSV row, without the line break. */
  public static String row(InvoiceLine line) {
    LocalDateTime date = LocalDateTime.ofInstant(line.getInvoiceDate().truncatedTo(ChronoUnit.MINUTES), ZoneOffset.UTC);
    return String.join(",",
        field(line.getInvoiceNo()),
        field(line.getStockCode()),
        field(line.getDescription() == null ? "" : line.getDescription()),
        Integer.toString(line.getQuantity()),
        DATE.format(date),
        BigDecimal.valueOf(line.getUnitPriceMinor(), 2).stripTrailingZeros().toPlainString(),
        line.getCustomerId() == null ? "" : line.getCustomerId() + ".0",
        field(line.getCountry()));
  }

  private static String field(String value) {
    if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      return value;
    }
    return '"' + value.replace("\"", "\"\"") + '"';
  }

  // ---------------------------------------------------------------- CSV records

  /** Splits the input into CSV records, keeping the line each starts on. */
  private static final class Records {
    record Raw(long line, List<String> fields, String text, String error) {}

    private enum State { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED }

    private static final int NONE = -2;

    private final Reader in;
    private int pushedBack = NONE;
    private long line = 1;

    Records(Reader in) {
      this.in = in;
    }

    private int read() throws IOException {
      if (pushedBack != NONE) {
        int c = pushedBack;
        pushedBack = NONE;
        return c;
      }
      return in.read();
    }

    /** The next record, or null at the end of the input; blank lines are skipped. */
    Raw next() throws IOException {
      while (true) {
        int c = read();
        if (c == -1) {
          return null;
        }
        long start = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        StringBuilder text = new StringBuilder();
        String error = null;
        State state = State.FIELD_START;
        while (true) {
          if (c == -1) {
            if (state == State.QUOTED && error == null) {
              error = "a quoted field is not closed before the end of the file";
            }
            fields.add(field.toString());
            break;
          }
          boolean lineBreak = c == '\n' || c == '\r';
          if (lineBreak) {
            if (c == '\r') {
              int d = read();
              if (d != '\n') {
                pushedBack = d;
              }
            }
            line++;
          }
          if (error != null) {
            // after an error, the record ends with its physical line
            if (lineBreak) {
              break;
            }
            text.append((char) c);
            c = read();
            continue;
          }
          boolean end = false;
          switch (state) {
            case FIELD_START -> {
              if (c == '"') {
                state = State.QUOTED;
              } else if (c == ',' || lineBreak) {
                fields.add("");
                end = lineBreak;
              } else {
                field.append((char) c);
                state = State.UNQUOTED;
              }
            }
            case UNQUOTED -> {
              if (c == ',' || lineBreak) {
                fields.add(field.toString());
                field.setLength(0);
                state = State.FIELD_START;
                end = lineBreak;
              } else if (c == '"') {
                error = "a double quote inside an unquoted field";
              } else {
                field.append((char) c);
              }
            }
            case QUOTED -> {
              if (c == '"') {
                state = State.QUOTE_IN_QUOTED;
              } else {
                field.append(lineBreak ? '\n' : (char) c);
              }
            }
            case QUOTE_IN_QUOTED -> {
              if (c == '"') {
                field.append('"');
                state = State.QUOTED;
              } else if (c == ',' || lineBreak) {
                fields.add(field.toString());
                field.setLength(0);
                state = State.FIELD_START;
                end = lineBreak;
              } else {
                error = "text after the closing quote of a field";
              }
            }
          }
          if (end) {
            break;
          }
          text.append(lineBreak ? '\n' : (char) c);
          c = read();
        }
        if (error == null && fields.size() == 1 && fields.get(0).isEmpty() && text.isEmpty()) {
          continue; // a blank line
        }
        return new Raw(start, fields, text.toString(), error);
      }
    }
  }
}
