package io.spindle.engine;

import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;

import io.spindle.journal.schema.Schemas;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * An SBE XML schema read for tests with the JDK's DOM parser and laid out by the SBE specification's rules, not by
 * SBE's IR or anything in the engine: the oracle the schema-conformance tests encode and decode by.
 * <p>
 * The rules: a block's fields follow one another from offset 0, each at its {@code offset} attribute when it has one;
 * a constant ({@code presence="constant"} on the field or its type) occupies no byte; a block is as long as its
 * {@code blockLength} attribute or its fields, whichever is longer; groups follow the block, each a dimension header
 * then its entries, and var data follows the groups, each a length then the bytes. A field is in a message of version
 * {@code v} when its {@code sinceVersion} is at most {@code v}; so are groups, var data and enum values. Supports what
 * the test schemas use: primitive types and arrays, composites of types and enums, enums, groups, var data.
 */
public final class SchemaModel
{
    /**
     * Whether a value may be absent and how.
     */
    public enum Presence
    {
        REQUIRED, OPTIONAL, CONSTANT
    }

    /**
     * A type: primitive (possibly an array), composite or enum.
     */
    public static final class Type
    {
        public final String name;
        public final String primitiveType;
        public final int length;
        public final Presence presence;
        public final String nullValue;
        public final String constant;
        public final String characterEncoding;
        public final List<Member> members;
        public final List<EnumValue> values;

        Type(
            final String name,
            final String primitiveType,
            final int length,
            final Presence presence,
            final String nullValue,
            final String constant,
            final String characterEncoding,
            final List<Member> members,
            final List<EnumValue> values)
        {
            this.name = name;
            this.primitiveType = primitiveType;
            this.length = length;
            this.presence = presence;
            this.nullValue = nullValue;
            this.constant = constant;
            this.characterEncoding = characterEncoding;
            this.members = members;
            this.values = values;
        }

        public boolean isComposite()
        {
            return null != members;
        }

        public boolean isEnum()
        {
            return null != values;
        }

        /**
         * Bytes the type takes on the wire: none for a constant.
         *
         * @return the size.
         */
        public int size()
        {
            if (isComposite())
            {
                int end = 0;
                for (final Member member : members)
                {
                    end = Math.max(end, member.offset + member.type.size());
                }
                return end;
            }
            if (Presence.CONSTANT == presence)
            {
                return 0;
            }
            return primitiveSize(primitiveType) * (isEnum() ? 1 : length);
        }

        /**
         * This type with another presence, as a field's {@code presence} attribute makes it.
         */
        Type withPresence(final Presence presence)
        {
            return presence == this.presence ? this : new Type(
                name, primitiveType, length, presence, nullValue, constant, characterEncoding, members, values);
        }
    }

    /**
     * A member of a composite, at its offset in the composite.
     */
    public static final class Member
    {
        public final String name;
        public final int offset;
        public final Type type;

        Member(final String name, final int offset, final Type type)
        {
            this.name = name;
            this.offset = offset;
            this.type = type;
        }
    }

    /**
     * A valid value of an enum: its literal as the schema writes it.
     */
    public static final class EnumValue
    {
        public final String name;
        public final String literal;
        public final int sinceVersion;

        EnumValue(final String name, final String literal, final int sinceVersion)
        {
            this.name = name;
            this.literal = literal;
            this.sinceVersion = sinceVersion;
        }
    }

    /**
     * A field of a block, at its offset in the block.
     */
    public static final class Field
    {
        public final String name;
        public final int offset;
        public final int sinceVersion;
        public final Type type;
        public final String valueRef;

        Field(final String name, final int offset, final int sinceVersion, final Type type, final String valueRef)
        {
            this.name = name;
            this.offset = offset;
            this.sinceVersion = sinceVersion;
            this.type = type;
            this.valueRef = valueRef;
        }

        public boolean isConstant()
        {
            return Presence.CONSTANT == type.presence;
        }

        public int size()
        {
            return isConstant() ? 0 : type.size();
        }
    }

    /**
     * A repeating group: its dimension header's count size, then its entries' block.
     */
    public static final class Group
    {
        public final String name;
        public final int sinceVersion;
        public final String countType;
        public final Block block;

        Group(final String name, final int sinceVersion, final String countType, final Block block)
        {
            this.name = name;
            this.sinceVersion = sinceVersion;
            this.countType = countType;
            this.block = block;
        }

        /**
         * Length of the dimension header: a uint16 block length and the count.
         *
         * @return bytes.
         */
        public int headerLength()
        {
            return 2 + primitiveSize(countType);
        }
    }

    /**
     * A variable-length field: its length's type and the character encoding of its bytes (null: raw bytes).
     */
    public static final class Data
    {
        public final String name;
        public final int sinceVersion;
        public final String lengthType;
        public final long maxLength;
        public final String characterEncoding;

        Data(
            final String name,
            final int sinceVersion,
            final String lengthType,
            final long maxLength,
            final String characterEncoding)
        {
            this.name = name;
            this.sinceVersion = sinceVersion;
            this.lengthType = lengthType;
            this.maxLength = maxLength;
            this.characterEncoding = characterEncoding;
        }
    }

    /**
     * A message's root block or a group's entry: fields, then groups, then var data.
     */
    public static final class Block
    {
        public final List<Field> fields;
        public final List<Group> groups;
        public final List<Data> data;
        public final int blockLength;

        Block(final List<Field> fields, final List<Group> groups, final List<Data> data, final int blockLength)
        {
            this.fields = fields;
            this.groups = groups;
            this.data = data;
            this.blockLength = blockLength;
        }

        /**
         * The shortest block a message of a version may have: the end of the last field that version had.
         *
         * @param version of the message.
         * @return bytes.
         */
        public int minLength(final int version)
        {
            int end = 0;
            for (final Field field : fields)
            {
                if (field.sinceVersion <= version && !field.isConstant())
                {
                    end = Math.max(end, field.offset + field.size());
                }
            }
            return end;
        }
    }

    /**
     * A message template.
     */
    public static final class Template
    {
        public final String name;
        public final int id;
        public final int sinceVersion;
        public final Block block;

        Template(final String name, final int id, final int sinceVersion, final Block block)
        {
            this.name = name;
            this.id = id;
            this.sinceVersion = sinceVersion;
            this.block = block;
        }
    }

    public final String location;
    public final int id;
    public final int version;
    public final ByteOrder byteOrder;
    public final List<Template> templates = new ArrayList<>();
    private final Map<String, Element> typeElements = new HashMap<>();

    private SchemaModel(final String location, final Element root)
    {
        this.location = location;
        id = Integer.parseInt(root.getAttribute("id"));
        version = intAttribute(root, "version", 0);
        byteOrder = "bigEndian".equals(root.getAttribute("byteOrder")) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        for (final Element types : children(root, "types"))
        {
            for (final Element type : children(types, null))
            {
                typeElements.put(type.getAttribute("name"), type);
            }
        }
        for (final Element message : children(root, "message"))
        {
            final Block block = block(message, intAttribute(message, "blockLength", 0));
            templates.add(new Template(message.getAttribute("name"), Integer.parseInt(message.getAttribute("id")),
                intAttribute(message, "sinceVersion", 0), block));
        }
    }

    /**
     * Read a schema from the test class path.
     *
     * @param location {@code classpath:} and the resource name.
     * @return the model.
     */
    public static SchemaModel load(final String location)
    {
        final String resource = location.substring(Schemas.CLASSPATH_PREFIX.length());
        try (InputStream in = SchemaModel.class.getClassLoader().getResourceAsStream(resource))
        {
            if (null == in)
            {
                throw new IllegalArgumentException("no resource " + resource);
            }
            return new SchemaModel(
                location, DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getDocumentElement());
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("cannot read " + location, ex);
        }
    }

    /**
     * A template by name.
     *
     * @param name of the template.
     * @return the template.
     */
    public Template template(final String name)
    {
        for (final Template template : templates)
        {
            if (template.name.equals(name))
            {
                return template;
            }
        }
        throw new IllegalArgumentException("no template " + name + " in " + location);
    }

    /**
     * Size of a primitive type.
     *
     * @param primitiveType its schema name.
     * @return bytes.
     */
    public static int primitiveSize(final String primitiveType)
    {
        switch (primitiveType)
        {
            case "char":
            case "int8":
            case "uint8":
                return 1;
            case "int16":
            case "uint16":
                return 2;
            case "int32":
            case "uint32":
            case "float":
                return 4;
            case "int64":
            case "uint64":
            case "double":
                return 8;
            default:
                throw new IllegalArgumentException("not a primitive type: " + primitiveType);
        }
    }

    private Block block(final Element element, final int declaredBlockLength)
    {
        final List<Field> fields = new ArrayList<>();
        final List<Group> groups = new ArrayList<>();
        final List<Data> data = new ArrayList<>();
        int offset = 0;
        for (final Element child : children(element, null))
        {
            final String kind = localName(child);
            final String name = child.getAttribute("name");
            final int sinceVersion = intAttribute(child, "sinceVersion", 0);
            if ("field".equals(kind))
            {
                Type type = type(child.getAttribute("type"));
                if (child.hasAttribute("presence"))
                {
                    type = type.withPresence(presence(child.getAttribute("presence")));
                }
                if (child.hasAttribute("offset"))
                {
                    offset = Integer.parseInt(child.getAttribute("offset"));
                }
                final String valueRef = child.hasAttribute("valueRef") ? child.getAttribute("valueRef") : null;
                final Field field = new Field(name, offset, sinceVersion, type, valueRef);
                fields.add(field);
                offset += field.size();
            }
            else if ("group".equals(kind))
            {
                final Element dimension = typeElements.get(child.getAttribute("dimensionType"));
                String countType = null;
                for (final Element member : children(dimension, "type"))
                {
                    if ("numInGroup".equals(member.getAttribute("name")))
                    {
                        countType = member.getAttribute("primitiveType");
                    }
                }
                final Block groupBlock = block(child, intAttribute(child, "blockLength", 0));
                groups.add(new Group(name, sinceVersion, countType, groupBlock));
            }
            else if ("data".equals(kind))
            {
                final Element composite = typeElements.get(child.getAttribute("type"));
                String lengthType = null;
                long maxLength = Long.MAX_VALUE;
                String characterEncoding = null;
                for (final Element member : children(composite, "type"))
                {
                    if ("length".equals(member.getAttribute("name")))
                    {
                        lengthType = member.getAttribute("primitiveType");
                        if (member.hasAttribute("maxValue"))
                        {
                            maxLength = Long.parseLong(member.getAttribute("maxValue"));
                        }
                    }
                    else if (member.hasAttribute("characterEncoding"))
                    {
                        characterEncoding = member.getAttribute("characterEncoding");
                    }
                }
                data.add(new Data(name, sinceVersion, lengthType, maxLength, characterEncoding));
            }
        }
        return new Block(fields, groups, data, Math.max(declaredBlockLength, offset));
    }

    private Type type(final String name)
    {
        final Element element = typeElements.get(name);
        if (null == element)
        {
            primitiveSize(name);
            return new Type(name, name, 1, Presence.REQUIRED, null, null, null, null, null);
        }
        return type(element);
    }

    private Type type(final Element element)
    {
        final String name = element.getAttribute("name");
        final String kind = localName(element);
        final Presence presence = element.hasAttribute("presence") ?
            presence(element.getAttribute("presence")) : Presence.REQUIRED;
        if ("composite".equals(kind))
        {
            final List<Member> members = new ArrayList<>();
            int offset = 0;
            for (final Element member : children(element, null))
            {
                if (member.hasAttribute("offset"))
                {
                    offset = Integer.parseInt(member.getAttribute("offset"));
                }
                final Type type = type(member);
                members.add(new Member(member.getAttribute("name"), offset, type));
                offset += type.size();
            }
            return new Type(name, null, 0, presence, null, null, null, members, null);
        }
        if ("enum".equals(kind))
        {
            final List<EnumValue> values = new ArrayList<>();
            for (final Element value : children(element, "validValue"))
            {
                values.add(new EnumValue(value.getAttribute("name"), value.getTextContent().trim(),
                    intAttribute(value, "sinceVersion", 0)));
            }
            final String nullValue = element.hasAttribute("nullValue") ? element.getAttribute("nullValue") : null;
            return new Type(
                name, element.getAttribute("encodingType"), 1, presence, nullValue, null, null, null, values);
        }
        return new Type(
            name,
            element.getAttribute("primitiveType"),
            intAttribute(element, "length", 1),
            presence,
            element.hasAttribute("nullValue") ? element.getAttribute("nullValue") : null,
            Presence.CONSTANT == presence ? element.getTextContent().trim() : null,
            element.hasAttribute("characterEncoding") ? element.getAttribute("characterEncoding") : null,
            null,
            null);
    }

    private static Presence presence(final String value)
    {
        return Presence.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }

    private static int intAttribute(final Element element, final String name, final int defaultValue)
    {
        return element.hasAttribute(name) ? Integer.parseInt(element.getAttribute(name)) : defaultValue;
    }

    private static String localName(final Node node)
    {
        final String name = node.getNodeName();
        return name.substring(name.indexOf(':') + 1);
    }

    private static List<Element> children(final Element parent, final String localName)
    {
        final List<Element> children = new ArrayList<>();
        final NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++)
        {
            final Node node = nodes.item(i);
            if (node instanceof Element && (null == localName || localName.equals(localName(node))))
            {
                children.add((Element)node);
            }
        }
        return children;
    }
}
