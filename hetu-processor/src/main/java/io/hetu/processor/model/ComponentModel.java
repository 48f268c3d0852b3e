package io.hetu.processor.model;

import com.palantir.javapoet.ClassName;
import io.hetu.annotations.Permission;
import io.hetu.annotations.TableKind;
import io.hetu.schema.ListDef;
import io.hetu.schema.RlsRule;
import io.hetu.schema.RowLayout;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * One validated component, with its computed row layout: everything the generators need.
 *
 * @param element the record the component was declared on, for diagnostics
 * @param recordClass the record
 * @param name the component name (the record's simple name)
 * @param namespace the owning namespace
 * @param permission the read permission
 * @param rls the row-level security rule, or null
 * @param kind the table kind
 * @param list how a {@code LIST} or {@code SORTED_LIST} keeps its lists, null for {@code GENERIC}
 * @param durable false for a volatile component
 * @param columns the declared columns in declaration order
 * @param layout the row layout of the columns, followed by the list sequence column of a list component
 * @param layoutHash a hash of the name, namespace and layout
 */
public record ComponentModel(
        TypeElement element,
        ClassName recordClass,
        String name,
        String namespace,
        Permission permission,
        RlsRule rls,
        TableKind kind,
        ListDef list,
        boolean durable,
        List<ColumnModel> columns,
        RowLayout layout,
        String layoutHash) {

    public ComponentModel {
        columns = List.copyOf(columns);
    }

    /** The generated flyweight. */
    public ClassName rowClass() {
        return generatedClass("Row");
    }

    /** The generated table descriptor. */
    public ClassName tableClass() {
        return generatedClass("Table");
    }

    private ClassName generatedClass(String suffix) {
        String prefix = String.join("_", recordClass.simpleNames());
        return ClassName.get(recordClass.packageName(), prefix + suffix);
    }
}
