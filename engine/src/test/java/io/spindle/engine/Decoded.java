package io.spindle.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * What a message holds, as a person should be shown it: named values in schema order, composites, groups of entries.
 * Built by {@link MessageGenerator} from the values it chose, so it is the expectation the tools' output is held to.
 */
public final class Decoded
{
    /**
     * What a node is.
     */
    public enum Kind
    {
        /**
         * A number, shown as it is.
         */
        NUMBER,

        /**
         * Text: characters, an enum's name, var data (hex when it has no character encoding).
         */
        TEXT,

        /**
         * An optional value (or enum) holding its null value.
         */
        NULL,

        /**
         * A composite: its members are the children.
         */
        COMPOSITE,

        /**
         * A repeating group: its entries are the children.
         */
        GROUP,

        /**
         * One entry of a group, or the message itself: its fields are the children.
         */
        ENTRY
    }

    public final String name;
    public final Kind kind;
    public final String text;
    public final List<Decoded> children;

    private Decoded(final String name, final Kind kind, final String text, final List<Decoded> children)
    {
        this.name = name;
        this.kind = kind;
        this.text = text;
        this.children = children;
    }

    static Decoded number(final String name, final String text)
    {
        return new Decoded(name, Kind.NUMBER, text, null);
    }

    static Decoded text(final String name, final String text)
    {
        return new Decoded(name, Kind.TEXT, text, null);
    }

    static Decoded nullValue(final String name)
    {
        return new Decoded(name, Kind.NULL, null, null);
    }

    static Decoded composite(final String name)
    {
        return new Decoded(name, Kind.COMPOSITE, null, new ArrayList<>());
    }

    static Decoded group(final String name)
    {
        return new Decoded(name, Kind.GROUP, null, new ArrayList<>());
    }

    static Decoded entry(final String name)
    {
        return new Decoded(name, Kind.ENTRY, null, new ArrayList<>());
    }

    /**
     * A child by name, for assertions on one value.
     *
     * @param childName of the child.
     * @return the child, or null when there is none (a field newer than the message is absent).
     */
    public Decoded child(final String childName)
    {
        for (final Decoded child : children)
        {
            if (childName.equals(child.name))
            {
                return child;
            }
        }
        return null;
    }
}
