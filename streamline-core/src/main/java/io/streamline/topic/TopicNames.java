package io.streamline.topic;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;

/**
 * Kafka's rules for topic names: 1 to 249 characters of ASCII letters, digits, '.', '_' and '-', not
 * "." or "..". Names that differ only by '.' versus '_' collide (their metrics names would clash).
 */
public final class TopicNames
{
    /** Longest legal topic name. */
    public static final int MAX_LENGTH = 249;

    private TopicNames()
    {
    }

    /**
     * Check a topic name.
     *
     * @param name the name.
     * @throws StreamlineException {@code INVALID_TOPIC_EXCEPTION} naming the rule broken.
     */
    public static void validate(final String name)
    {
        if (name == null || name.isEmpty())
        {
            throw invalid("Topic name is illegal, it can't be empty");
        }
        if (name.equals(".") || name.equals(".."))
        {
            throw invalid("Topic name cannot be \".\" or \"..\"");
        }
        if (name.length() > MAX_LENGTH)
        {
            throw invalid("Topic name is illegal, it can't be longer than " + MAX_LENGTH +
                " characters, topic name: " + name);
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
            if (!legal)
            {
                throw invalid("Topic name \"" + name + "\" is illegal, it contains a character other than " +
                    "ASCII alphanumerics, '.', '_' and '-'");
            }
        }
    }

    /**
     * @param name a legal topic name.
     * @return true if the name contains '.' or '_', so it could collide with another.
     */
    public static boolean hasCollisionChars(final String name)
    {
        return name.indexOf('.') >= 0 || name.indexOf('_') >= 0;
    }

    /**
     * @param name a legal topic name.
     * @return the name with every '.' replaced by '_': names with the same result collide.
     */
    public static String unifyCollisionChars(final String name)
    {
        return name.replace('.', '_');
    }

    private static StreamlineException invalid(final String message)
    {
        return new StreamlineException(ErrorCode.INVALID_TOPIC_EXCEPTION, message);
    }
}
