package io.ttvertx.store;

import io.vertx.core.Future;

/**
 * Everything the servers persist, by domain. Only the db proxy verticle and the administration
 * commands use it; every other verticle asks the db proxy over the event bus, and each db proxy
 * handler depends on the domain interfaces it uses only.
 *
 * <p>Times are epoch seconds (TeamTalk stores {@code int(11) unsigned} seconds). Session types follow
 * IM.BaseDefine.SessionType: 1 single, 2 group. Message types follow IM.BaseDefine.MsgType. A store
 * is used from the Vert.x context that started it and never blocks it.
 */
public interface Store extends DirectoryStore, MessageStore, SessionStore, GroupStore, DeviceStore, FileStore,
    AdminStore {

  /** Connects and creates the tables (and other structures) that are missing. */
  Future<Void> start();

  Future<Void> close();
}
