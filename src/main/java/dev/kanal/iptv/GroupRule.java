package dev.kanal.iptv;

import dev.kanal.config.KanalConfig;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One include or exclude rule of a configured group, written {@code field:value}: {@code group:News}
 * (a group-title), {@code name:(?i)^bbc} (a regular expression found anywhere in the name),
 * {@code country:FR}, {@code language:fra}, {@code tvg-id:*.uk}. Values other than regexes match
 * whole, ignoring case, with {@code *} standing for any run of characters.
 *
 * @param field the field tested
 * @param value the value as written after the colon, trimmed
 * @param pattern the compiled matcher of the value
 */
public record GroupRule(Field field, String value, Pattern pattern) {

  /** Rules longer than this are refused (a rule is a short name or a regex, never a document). */
  public static final int MAX_LENGTH = 1024;

  /** What a rule tests. */
  public enum Field {
    /** A group-title of the channel (after cleaning: trimmed, split at {@code ;}). */
    GROUP,
    /** The channel's name: the value is a regular expression. */
    NAME,
    /** The channel's country code. */
    COUNTRY,
    /** The channel's language. */
    LANGUAGE,
    /** The channel's tvg-id. */
    TVG_ID
  }

  /** Checks for nulls. */
  public GroupRule {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(pattern, "pattern");
  }

  /**
   * Parses a rule.
   *
   * @throws IllegalArgumentException naming what is wrong, for text that is not a valid rule
   */
  public static GroupRule parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a rule must not be empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("a rule must be at most " + MAX_LENGTH + " characters");
    }
    int colon = text.indexOf(':');
    String fieldName = colon < 0 ? "" : text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    if (!KanalConfig.GROUP_RULE_FIELDS.contains(fieldName)) {
      throw new IllegalArgumentException("a rule is field:value with field one of country, group, language, name,"
          + " tvg-id; got '" + abbreviate(text) + "'");
    }
    Field field = Field.valueOf(fieldName.replace('-', '_').toUpperCase(Locale.ROOT));
    String value = text.substring(colon + 1).strip();
    if (field == Field.NAME) {
      try {
        return new GroupRule(field, value, Pattern.compile(value));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("invalid regular expression in '" + abbreviate(text) + "': "
            + e.getDescription(), e);
      }
    }
    return new GroupRule(field, value, glob(value));
  }

  /** A case-insensitive whole-value matcher where {@code *} matches any run of characters. */
  static Pattern glob(String value) {
    StringBuilder regex = new StringBuilder();
    int start = 0;
    for (int star; (star = value.indexOf('*', start)) >= 0; start = star + 1) {
      regex.append(Pattern.quote(value.substring(start, star))).append(".*");
    }
    regex.append(Pattern.quote(value.substring(start)));
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
  }

  /** True when the channel (before configured grouping) satisfies this rule. */
  boolean matches(Channel channel, java.util.List<String> playlistGroups) {
    return switch (field) {
      case GROUP -> playlistGroups.stream().anyMatch(g -> pattern.matcher(g).matches());
      case NAME -> channel.names().stream().anyMatch(n -> pattern.matcher(n).find());
      case COUNTRY -> pattern.matcher(channel.country()).matches();
      case LANGUAGE -> java.util.Arrays.stream(channel.language().split(";"))
          .anyMatch(l -> pattern.matcher(l.strip()).matches());
      case TVG_ID -> pattern.matcher(channel.tvgId()).matches();
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
