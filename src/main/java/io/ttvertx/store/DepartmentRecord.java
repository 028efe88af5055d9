package io.ttvertx.store;

/** A row of IMDepart. {@code status} 0 ok, 1 deleted. */
public record DepartmentRecord(int id, String name, int priority, int parentId, int status, int updated) {
}
