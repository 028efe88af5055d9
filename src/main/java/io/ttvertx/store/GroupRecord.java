package io.ttvertx.store;

import java.util.List;

/**
 * A row of IMGroup with its current members: type follows IM.BaseDefine.GroupType (1 normal, 2
 * temporary), status 0 is a group in use, version grows by one at every membership change.
 */
public record GroupRecord(int id, String name, String avatar, int creatorId, int type, int status, int version,
                          List<Integer> members) {
}
