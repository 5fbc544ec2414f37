package dev.kanal.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads the fields of a JSON request body with the checks every API input needs: types, ranges,
 * finite numbers, lengths and character sets. Every failure is a {@link BadInput} naming the field
 * (with its path, e.g. {@code events[3].type}), answered 400.
 */
final class JsonInput {

  /** A request input that is not acceptable; {@code field} names it. */
  static final class BadInput extends Exception {
    final String field;

    BadInput(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }

    /** The sentence for the client: the field, then what is wrong. */
    String sentence() {
      return field.isEmpty() ? getMessage() : "'" + field + "' " + getMessage();
    }
  }

  private final JsonObject object;
  private final String path;

  private JsonInput(JsonObject object, String path) {
    this.object = object;
    this.path = path;
  }

  /** The body as JSON with the default depth limit; see {@link #parse(Buffer, boolean, int)}. */
  static Object parse(Buffer body, boolean emptyOk) throws BadInput {
    return parse(body, emptyOk, RequestLimits.DEFAULTS.maxJsonDepth());
  }

  /**
   * The body as JSON: an object, an array, or nothing (empty body) as an empty object when {@code emptyOk}.
   * Arrays and objects nested deeper than {@code maxDepth} are refused before Jackson sees the body
   * ({@code server.limits.maxJsonDepth}), so a body of a million {@code [} costs one pass and no stack.
   */
  static Object parse(Buffer body, boolean emptyOk, int maxDepth) throws BadInput {
    if (body == null || body.length() == 0 || body.toString().isBlank()) {
      if (emptyOk) {
        return new JsonObject();
      }
      throw new BadInput("", "the request needs a JSON body");
    }
    int depth = depth(body);
    if (depth > maxDepth) {
      throw new BadInput("", "the body nests arrays and objects deeper than " + maxDepth + " levels");
    }
    try {
      Object value = Json.decodeValue(body);
      if (value instanceof JsonObject || value instanceof JsonArray) {
        return value;
      }
      throw new BadInput("", "the body must be a JSON object");
    } catch (DecodeException e) {
      String why = String.valueOf(e.getMessage());
      int cut = why.indexOf('\n');
      why = cut > 0 ? why.substring(0, cut) : why;
      throw new BadInput("", "the body is not valid JSON: " + clip(why, 160));
    }
  }

  /** The deepest nesting of arrays and objects in a JSON text, brackets inside strings skipped. */
  static int depth(Buffer body) {
    int depth = 0;
    int max = 0;
    boolean inString = false;
    for (int i = 0, n = body.length(); i < n; i++) {
      byte b = body.getByte(i);
      if (inString) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '[' || b == '{') {
        depth++;
        if (depth > max) {
          max = depth;
        }
      } else if (b == ']' || b == '}') {
        depth--;
      }
    }
    return max;
  }

  /** The body as a JSON object, nested at most {@code maxDepth} levels. */
  static JsonInput object(Buffer body, boolean emptyOk, int maxDepth) throws BadInput {
    Object value = parse(body, emptyOk, maxDepth);
    if (value instanceof JsonObject o) {
      return new JsonInput(o, "");
    }
    throw new BadInput("", "the body must be a JSON object");
  }

  /** The body as a JSON object. */
  static JsonInput object(Buffer body, boolean emptyOk) throws BadInput {
    Object value = parse(body, emptyOk);
    if (value instanceof JsonObject o) {
      return new JsonInput(o, "");
    }
    throw new BadInput("", "the body must be a JSON object");
  }

  /** An object element of an array, named {@code path}. */
  static JsonInput element(Object value, String path) throws BadInput {
    if (value instanceof JsonObject o) {
      return new JsonInput(o, path);
    }
    throw new BadInput(path, "must be a JSON object");
  }

  private String name(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  boolean has(String field) {
    return object.getValue(field) != null;
  }

  /** A number in [min, max]; absent or null is empty. */
  OptionalDouble optionalNumber(String field, double min, double max) throws BadInput {
    Object v = object.getValue(field);
    if (v == null) {
      return OptionalDouble.empty();
    }
    if (!(v instanceof Number n)) {
      throw new BadInput(name(field), "must be a number, was " + describe(v));
    }
    double d = n.doubleValue();
    if (!Double.isFinite(d)) {
      throw new BadInput(name(field), "must be a finite number");
    }
    if (d < min || d > max) {
      throw new BadInput(name(field), "must be between " + format(min) + " and " + format(max) + ", was " + format(d));
    }
    return OptionalDouble.of(d);
  }

  double requireNumber(String field, double min, double max) throws BadInput {
    OptionalDouble d = optionalNumber(field, min, max);
    if (d.isEmpty()) {
      throw new BadInput(name(field), "is required");
    }
    return d.getAsDouble();
  }

  /** A whole number in [min, max]; absent or null is empty. */
  OptionalLong optionalInteger(String field, long min, long max) throws BadInput {
    Object v = object.getValue(field);
    if (v == null) {
      return OptionalLong.empty();
    }
    long value;
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      value = ((Number) v).longValue();
    } else if (v instanceof BigInteger || v instanceof BigDecimal || v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d) || d != Math.rint(d)) {
        throw new BadInput(name(field), "must be a whole number, was " + describe(v));
      }
      if (d < min || d > max) {
        throw new BadInput(name(field), "must be between " + min + " and " + max);
      }
      value = (long) d;
    } else {
      throw new BadInput(name(field), "must be a whole number, was " + describe(v));
    }
    if (value < min || value > max) {
      throw new BadInput(name(field), "must be between " + min + " and " + max + ", was " + value);
    }
    return OptionalLong.of(value);
  }

  long requireInteger(String field, long min, long max) throws BadInput {
    OptionalLong v = optionalInteger(field, min, max);
    if (v.isEmpty()) {
      throw new BadInput(name(field), "is required");
    }
    return v.getAsLong();
  }

  /** A string matching {@code pattern}; absent, null or empty is empty. */
  Optional<String> optionalString(String field, Pattern pattern, String what) throws BadInput {
    Object v = object.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw new BadInput(name(field), "must be a string, was " + describe(v));
    }
    if (s.isEmpty()) {
      return Optional.empty();
    }
    if (!pattern.matcher(s).matches()) {
      throw new BadInput(name(field), "must be " + what + ", was '" + clip(s, 40) + "'");
    }
    return Optional.of(s);
  }

  String requireString(String field, Pattern pattern, String what) throws BadInput {
    Optional<String> s = optionalString(field, pattern, what);
    if (s.isEmpty()) {
      throw new BadInput(name(field), "is required");
    }
    return s.get();
  }

  /** {@code true} or {@code false}; absent or null is empty. */
  Optional<Boolean> optionalBoolean(String field) throws BadInput {
    Object v = object.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Boolean b)) {
      throw new BadInput(name(field), "must be true or false");
    }
    return Optional.of(b);
  }

  /** Free text of at most {@code maxLength} characters; absent or null is empty. */
  String optionalText(String field, int maxLength) throws BadInput {
    Object v = object.getValue(field);
    if (v == null) {
      return "";
    }
    if (!(v instanceof String s)) {
      throw new BadInput(name(field), "must be a string, was " + describe(v));
    }
    if (s.length() > maxLength) {
      throw new BadInput(name(field), "must be at most " + maxLength + " characters, was " + s.length());
    }
    return s;
  }

  private static String describe(Object v) {
    if (v instanceof String s) {
      return "the string '" + clip(s, 40) + "'";
    }
    if (v instanceof JsonObject) {
      return "an object";
    }
    if (v instanceof JsonArray) {
      return "an array";
    }
    if (v instanceof Boolean b) {
      return b.toString();
    }
    return clip(String.valueOf(v), 40);
  }

  private static String format(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  static String clip(String s, int max) {
    return s.length() > max ? s.substring(0, max) + "..." : s;
  }
}
