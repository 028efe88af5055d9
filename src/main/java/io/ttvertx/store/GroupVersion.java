package io.ttvertx.store;

/** A group id and its version, as IM.BaseDefine.GroupVersionInfo carries them. */
public record GroupVersion(int groupId, int version) {
}
