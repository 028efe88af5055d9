/* The web client's UI: a Vue app over tt-protocol.js. It logs in as a PC client (CLIENT_TYPE_WINDOWS). */
(function () {
  'use strict';

  const MESSAGES = {
    en: {
      userName: 'User name', password: 'Password', logIn: 'Log in', connecting: 'Connecting…', logOut: 'Log out',
      sessions: 'Chats', contacts: 'Contacts', groups: 'Groups', noSessions: 'No chats yet', newGroup: 'New group',
      members: 'Members', loading: 'Loading…', noMore: 'No earlier messages', typeHere: 'Type a message',
      send: 'Send', emoji: 'Emoji', picture: 'Picture', pickSomeone: 'Pick a chat or a contact',
      groupName: 'Group name', cancel: 'Cancel', save: 'Save', profile: 'My profile', changeAvatar: 'Change avatar',
      signature: 'Signature', online: 'Online', reconnecting: 'Reconnecting…', offline: 'Offline',
      sending: 'sending', sent: 'sent', delivered: 'delivered', failed: 'not sent', read: 'read',
      pictureMessage: '[Picture]',
      wrongPassword: 'Wrong user name or password', refused: 'Login refused', cannotConnect: 'Cannot reach the server',
      kicked: 'You logged in elsewhere', uploadFailed: 'Upload failed', newMessage: 'New message',
      groupFailed: 'The group could not be changed', saveFailed: 'Not saved'
    },
    zh: {
      userName: '用户名', password: '密码', logIn: '登录', connecting: '正在连接…', logOut: '退出',
      sessions: '会话', contacts: '联系人', groups: '群组', noSessions: '暂无会话', newGroup: '创建群',
      members: '成员', loading: '加载中…', noMore: '没有更早的消息', typeHere: '输入消息',
      send: '发送', emoji: '表情', picture: '图片', pickSomeone: '选择一个会话或联系人',
      groupName: '群名称', cancel: '取消', save: '保存', profile: '我的资料', changeAvatar: '更换头像',
      signature: '个性签名', online: '在线', reconnecting: '正在重连…', offline: '离线',
      sending: '发送中', sent: '已发送', delivered: '已送达', failed: '发送失败', read: '已读',
      pictureMessage: '[图片]',
      wrongPassword: '用户名或密码错误', refused: '登录被拒绝', cannotConnect: '无法连接服务器',
      kicked: '你已在别处登录', uploadFailed: '上传失败', newMessage: '新消息',
      groupFailed: '群组修改失败', saveFailed: '保存失败'
    }
  };
  const EMOJI = ['😀', '😂', '😊', '😍', '😘', '😎', '🤔', '😅', '😭', '😡', '👍', '👎', '👏', '🙏', '💪', '🎉',
    '❤️', '🔥', '✅', '❌', '☕', '🍺', '🌹', '🎂', '😴', '🙈', '🤝', '👌'];
  const HISTORY_PAGE = 20;
  const HEARTBEAT_MS = 30000;
  const MAX_BACKOFF_MS = 30000;
  const STORED_LOGIN = 'tt-web-login';
  let localIds = 0;

  // the connection and protocol live outside Vue's reactivity
  let protocol = null;
  let cipher = null;
  let connection = null;
  let heartbeatTimer = null;
  let reconnectTimer = null;
  let webConfig = null;

  const app = Vue.createApp({
    data() {
      return {
        lang: (localStorage.getItem('tt-web-lang') || navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en',
        phase: 'login', loginForm: { name: '', password: '' }, loginError: '',
        linkState: 'offline', me: {}, users: {}, departments: [], presence: {}, groups: {}, sessions: {},
        tab: 'sessions', current: null, messages: {}, drafts: {}, noMoreHistory: {}, loadingHistory: false,
        showEmoji: false, emoji: EMOJI, dialog: null, groupDialog: {}, profileSign: '', profileError: '',
        bigPicture: null, notice: '', hiddenUnread: 0
      };
    },
    computed: {
      sortedSessions() {
        return Object.values(this.sessions).sort((a, b) => b.updated - a.updated);
      },
      totalUnread() {
        return Object.values(this.sessions).reduce((sum, s) => sum + s.unread, 0);
      },
      userList() {
        return Object.values(this.users).sort((a, b) => a.userId - b.userId);
      },
      groupList() {
        return Object.values(this.groups).sort((a, b) => a.groupId - b.groupId);
      },
      departmentTree() {
        const byId = {};
        for (const d of this.departments) {
          byId[d.deptId] = { ...d, users: [] };
        }
        const rest = { deptId: 0, deptName: '—', users: [] };
        for (const u of this.userList) {
          (byId[u.departmentId] || rest).users.push(u);
        }
        const tree = Object.values(byId).sort((a, b) => a.priority - b.priority || a.deptId - b.deptId);
        return rest.users.length ? tree.concat([rest]) : tree;
      },
      currentType() {
        return this.current && this.current.startsWith('g:') ? 2 : 1;
      },
      currentId() {
        return this.current ? Number(this.current.substring(2)) : 0;
      }
    },
    watch: {
      totalUnread() {
        this.updateTitle();
      }
    },
    mounted() {
      document.documentElement.lang = this.lang;
      document.addEventListener('visibilitychange', () => {
        if (!document.hidden) {
          this.hiddenUnread = 0;
          this.updateTitle();
          this.markRead(this.current);
        }
      });
      const stored = sessionStorage.getItem(STORED_LOGIN);
      if (stored) {
        const { name, digest } = JSON.parse(stored);
        this.loginForm.name = name;
        this.start(name, digest);
      }
    },
    methods: {
      t(key) {
        return MESSAGES[this.lang][key] || key;
      },
      switchLang() {
        this.lang = this.lang === 'zh' ? 'en' : 'zh';
        localStorage.setItem('tt-web-lang', this.lang);
        document.documentElement.lang = this.lang;
      },
      initial(user) {
        const name = user ? (user.userNickName || user.userRealName || '?') : '?';
        return name.substring(0, 1).toUpperCase();
      },
      userName(id) {
        const u = this.users[id];
        return u ? (u.userNickName || u.userRealName) : String(id);
      },
      sessionName(key) {
        const id = Number(key.substring(2));
        if (key.startsWith('g:')) {
          return this.groups[id] ? this.groups[id].groupName : '#' + id;
        }
        return this.userName(id);
      },
      presenceClass(id) {
        return this.presence[id] === 1 ? 'on' : this.presence[id] === 3 ? 'away' : 'off';
      },
      preview(s) {
        if (s.latestText == null) {
          return '';
        }
        return TT.PictureText.urlOf(s.latestText) != null ? this.t('pictureMessage') : s.latestText;
      },
      time(seconds) {
        const date = new Date(seconds * 1000);
        const today = new Date();
        return date.toDateString() === today.toDateString()
          ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
          : date.toLocaleString([], { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
      },
      updateTitle() {
        const count = document.hidden ? this.hiddenUnread || this.totalUnread : this.totalUnread;
        document.title = (count ? '(' + count + ') ' : '') + 'TeamTalk';
      },

      /* ---- connection ---- */
      login() {
        this.loginError = '';
        if ('Notification' in window && Notification.permission === 'default') {
          Notification.requestPermission();
        }
        const digest = TT.passwordDigest(this.loginForm.password);
        this.start(this.loginForm.name, digest, true);
      },
      async start(name, digest, typed) {
        this.phase = 'connecting';
        try {
          if (!protocol) {
            webConfig = await (await fetch('/web-config.json')).json();
            protocol = await TT.loadProtocol('/proto/');
            cipher = new TT.TextCipher(webConfig.aesKey);
          }
          await this.connect(name, digest);
          sessionStorage.setItem(STORED_LOGIN, JSON.stringify({ name, digest }));
          this.loginForm.password = '';
        } catch (e) {
          this.phase = 'login';
          this.loginError = e.message;
          if (!typed) {
            sessionStorage.removeItem(STORED_LOGIN);
          }
        }
      },
      /** Opens the WebSocket and logs in; throws a readable reason when that fails. */
      async connect(name, digest) {
        const ids = protocol.ids;
        const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
        const next = new TT.Connection(protocol, scheme + location.host + webConfig.webSocketPath);
        try {
          await next.open();
        } catch (e) {
          throw new Error(this.t('cannotConnect'));
        }
        const answer = await next.request(ids.SID_LOGIN, ids.CID_LOGIN_REQ_USERLOGIN, 'IM.Login.IMLoginReq', {
          userName: name, password: digest, onlineStatus: ids.USER_STATUS_ONLINE, clientType: ids.CLIENT_TYPE_WINDOWS,
          clientVersion: 'tt-vertx-web'
        }, 'IM.Login.IMLoginRes');
        if (answer.resultCode !== 0) {
          next.close();
          throw new Error(answer.resultCode === ids.REFUSE_REASON_DB_VALIDATE_FAILED ? this.t('wrongPassword')
            : this.t('refused') + ' (' + answer.resultCode + ')');
        }
        connection = next;
        this.kicked = false;
        connection.onPush = frame => this.handlePush(frame);
        connection.onClose = reason => this.handleClosed(reason, name, digest);
        this.me = answer.userInfo;
        this.phase = 'online';
        this.linkState = 'online';
        this.backoffMs = 1000;
        clearInterval(heartbeatTimer);
        heartbeatTimer = setInterval(() => {
          connection.request(ids.SID_OTHER, ids.CID_OTHER_HEARTBEAT, 'IM.Other.IMHeartBeat', {}).catch(() => {});
        }, HEARTBEAT_MS);
        await this.loadEverything();
      },
      handleClosed(reason, name, digest) {
        clearInterval(heartbeatTimer);
        if (this.kicked) {
          this.phase = 'login';
          this.loginError = this.t('kicked');
          return;
        }
        if (this.phase !== 'online') {
          return;
        }
        this.linkState = 'reconnecting';
        const retry = () => {
          this.connect(name, digest).catch(() => {
            this.backoffMs = Math.min(MAX_BACKOFF_MS, (this.backoffMs || 1000) * 2);
            reconnectTimer = setTimeout(retry, this.backoffMs);
          });
        };
        reconnectTimer = setTimeout(retry, this.backoffMs || 1000);
      },
      logout() {
        this.phase = 'login';
        clearTimeout(reconnectTimer);
        clearInterval(heartbeatTimer);
        sessionStorage.removeItem(STORED_LOGIN);
        if (connection) {
          connection.close();
        }
        location.reload();
      },
      async loadEverything() {
        const ids = protocol.ids;
        const me = this.me.userId;
        const [departments, all, recent, unread, groupVersions] = await Promise.all([
          connection.request(ids.SID_BUDDY_LIST, ids.CID_BUDDY_LIST_DEPARTMENT_REQUEST, 'IM.Buddy.IMDepartmentReq',
            { userId: me, latestUpdateTime: 0 }, 'IM.Buddy.IMDepartmentRsp'),
          connection.request(ids.SID_BUDDY_LIST, ids.CID_BUDDY_LIST_ALL_USER_REQUEST, 'IM.Buddy.IMAllUserReq',
            { userId: me, latestUpdateTime: 0 }, 'IM.Buddy.IMAllUserRsp'),
          connection.request(ids.SID_BUDDY_LIST, ids.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST,
            'IM.Buddy.IMRecentContactSessionReq', { userId: me, latestUpdateTime: 0 },
            'IM.Buddy.IMRecentContactSessionRsp'),
          connection.request(ids.SID_MSG, ids.CID_MSG_UNREAD_CNT_REQUEST, 'IM.Message.IMUnreadMsgCntReq',
            { userId: me }, 'IM.Message.IMUnreadMsgCntRsp'),
          connection.request(ids.SID_GROUP, ids.CID_GROUP_NORMAL_LIST_REQUEST, 'IM.Group.IMNormalGroupListReq',
            { userId: me }, 'IM.Group.IMNormalGroupListRsp')
        ]);
        this.departments = departments.deptList;
        const users = {};
        for (const u of all.userList) {
          users[u.userId] = u;
        }
        this.users = users;
        const stats = await connection.request(ids.SID_BUDDY_LIST, ids.CID_BUDDY_LIST_USERS_STATUS_REQUEST,
          'IM.Buddy.IMUsersStatReq', { userId: me, userIdList: Object.keys(users).map(Number) },
          'IM.Buddy.IMUsersStatRsp');
        const presence = {};
        for (const stat of stats.userStatList) {
          presence[stat.userId] = stat.status;
        }
        presence[me] = 1;
        this.presence = presence;
        for (const s of recent.contactSessionList) {
          const session = this.session(s.sessionType === ids.SESSION_TYPE_GROUP ? 'g:' : 'u:', s.sessionId);
          session.updated = Math.max(session.updated, s.updatedTime);
          session.latestText = this.decryptText(s.latestMsgData);
        }
        for (const u of unread.unreadinfoList) {
          const session = this.session(u.sessionType === ids.SESSION_TYPE_GROUP ? 'g:' : 'u:', u.sessionId);
          session.unread = u.unreadCnt;
          session.latestText = this.decryptText(u.latestMsgData);
        }
        const groupIds = new Set(groupVersions.groupVersionList.map(g => g.groupId));
        Object.values(this.sessions).filter(s => s.type === 2).forEach(s => groupIds.add(s.id));
        await this.loadGroups([...groupIds]);
        // after a reconnect the chats shown may have missed messages: they are read again when opened
        this.messages = {};
        this.noMoreHistory = {};
        if (this.current) {
          this.messages[this.current] = [];
          await this.loadOlder(this.current);
          this.scrollToEnd(this.current);
        }
      },
      async loadGroups(groupIds) {
        if (!groupIds.length) {
          return;
        }
        const ids = protocol.ids;
        const info = await connection.request(ids.SID_GROUP, ids.CID_GROUP_INFO_REQUEST, 'IM.Group.IMGroupInfoListReq',
          { userId: this.me.userId, groupVersionList: groupIds.map(groupId => ({ groupId, version: 0 })) },
          'IM.Group.IMGroupInfoListRsp');
        for (const g of info.groupInfoList) {
          this.groups[g.groupId] = g;
        }
      },
      session(prefix, id) {
        const key = prefix + id;
        if (!this.sessions[key]) {
          this.sessions[key] = { key, type: prefix === 'g:' ? 2 : 1, id, updated: 0, latestText: null, unread: 0 };
        }
        return this.sessions[key];
      },
      decryptText(bytes) {
        const text = new TextDecoder().decode(bytes);
        try {
          return cipher.decrypt(text);
        } catch (e) {
          return text;
        }
      },

      /* ---- pushes from the server ---- */
      handlePush(frame) {
        const ids = protocol.ids;
        switch (frame.commandId) {
          case ids.CID_MSG_DATA:
            this.receiveMessage(protocol.decodeBody('IM.Message.IMMsgData', frame.body));
            break;
          case ids.CID_MSG_READ_NOTIFY: {
            const read = protocol.decodeBody('IM.Message.IMMsgDataReadNotify', frame.body);
            if (read.userId !== this.me.userId) {
              // the other user read our 1:1 chat up to msgId (the server tells browsers only)
              this.markOwnMessages('u:' + read.userId, read.msgId, 'read');
              break;
            }
            // this user read it on another device
            const key = (read.sessionType === ids.SESSION_TYPE_GROUP ? 'g:' : 'u:') + read.sessionId;
            if (this.sessions[key]) {
              this.sessions[key].unread = 0;
            }
            break;
          }
          case ids.CID_MSG_DATA_ACK: {
            // pushed, not answering a request: our 1:1 message reached a connection of the receiver
            const delivered = protocol.decodeBody('IM.Message.IMMsgDataAck', frame.body);
            this.markOwnMessages('u:' + delivered.sessionId, delivered.msgId, 'delivered', true);
            break;
          }
          case ids.CID_BUDDY_LIST_STATUS_NOTIFY: {
            const stat = protocol.decodeBody('IM.Buddy.IMUserStatNotify', frame.body).userStat;
            this.presence[stat.userId] = stat.status;
            break;
          }
          case ids.CID_BUDDY_LIST_AVATAR_CHANGED_NOTIFY: {
            const changed = protocol.decodeBody('IM.Buddy.IMAvatarChangedNotify', frame.body);
            if (this.users[changed.changedUserId]) {
              this.users[changed.changedUserId].avatarUrl = changed.avatarUrl;
            }
            break;
          }
          case ids.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY: {
            const changed = protocol.decodeBody('IM.Buddy.IMSignInfoChangedNotify', frame.body);
            if (this.users[changed.changedUserId]) {
              this.users[changed.changedUserId].signInfo = changed.signInfo;
            }
            break;
          }
          case ids.CID_GROUP_CHANGE_MEMBER_NOTIFY: {
            const changed = protocol.decodeBody('IM.Group.IMGroupChangeMemberNotify', frame.body);
            this.loadGroups([changed.groupId]);
            break;
          }
          case ids.CID_LOGIN_KICK_USER:
            this.kicked = true;
            sessionStorage.removeItem(STORED_LOGIN);
            this.linkState = 'offline';
            break;
          default:
            break;
        }
      },
      /**
       * Moves our messages in chat {@code key} to {@code state}: up to msgId for a read receipt, or
       * exactly msgId ({@code only}) for a delivery receipt; a read message stays read.
       */
      markOwnMessages(key, msgId, state, only) {
        for (const m of this.messages[key] || []) {
          const hit = only ? m.msgId === msgId : m.msgId > 0 && m.msgId <= msgId;
          if (hit && m.from === this.me.userId && m.state !== 'read' && m.state !== 'failed') {
            m.state = state;
          }
        }
      },
      receiveMessage(data) {
        const ids = protocol.ids;
        const group = data.msgType === ids.MSG_TYPE_GROUP_TEXT || data.msgType === ids.MSG_TYPE_GROUP_AUDIO;
        const mine = data.fromUserId === this.me.userId;
        const peer = group ? data.toSessionId : mine ? data.toSessionId : data.fromUserId;
        const sessionType = group ? ids.SESSION_TYPE_GROUP : ids.SESSION_TYPE_SINGLE;
        // the delivery ack every TeamTalk client sends for a message it received
        connection.send(ids.SID_MSG, ids.CID_MSG_DATA_ACK, 'IM.Message.IMMsgDataAck',
          { userId: this.me.userId, sessionId: peer, msgId: data.msgId, sessionType });
        const key = (group ? 'g:' : 'u:') + peer;
        const session = this.session(group ? 'g:' : 'u:', peer);
        const message = this.toMessage(data.msgId, data.fromUserId, data.createTime, data.msgData, 'sent');
        session.updated = data.createTime;
        session.latestText = message.text;
        if (group && !this.groups[peer]) {
          this.loadGroups([peer]);
        }
        if (this.messages[key]) {
          this.messages[key].push(message);
          this.scrollToEnd(key);
        }
        if (mine) {
          return;
        }
        session.unread++;
        if (key === this.current && !document.hidden) {
          this.markRead(key);
        }
        if (document.hidden) {
          this.hiddenUnread++;
          this.updateTitle();
          this.notify(group ? this.sessionName(key) : this.userName(data.fromUserId),
            message.picture ? this.t('pictureMessage') : message.text);
        }
      },
      notify(title, body) {
        if ('Notification' in window && Notification.permission === 'granted') {
          const notification = new Notification(title, { body, tag: 'tt-web' });
          notification.onclick = () => window.focus();
        }
      },
      toMessage(msgId, from, time, bytes, state) {
        const text = this.decryptText(bytes);
        const picture = TT.PictureText.urlOf(text);
        return { localId: ++localIds, msgId, from, time, text, picture, state };
      },

      /* ---- chats ---- */
      async openSession(key) {
        this.current = key;
        this.tab = 'sessions';
        this.showEmoji = false;
        const id = Number(key.substring(2));
        this.session(key.substring(0, 2), id);
        if (!this.messages[key]) {
          this.messages[key] = [];
          await this.loadOlder(key);
        }
        this.scrollToEnd(key);
        this.markRead(key);
      },
      markRead(key) {
        const session = key && this.sessions[key];
        if (!session || !session.unread || !connection || document.hidden) {
          return;
        }
        const list = this.messages[key] || [];
        const latest = list.reduce((max, m) => Math.max(max, m.msgId), 0);
        const ids = protocol.ids;
        connection.send(ids.SID_MSG, ids.CID_MSG_READ_ACK, 'IM.Message.IMMsgDataReadAck', {
          userId: this.me.userId, sessionId: session.id, msgId: latest,
          sessionType: session.type === 2 ? ids.SESSION_TYPE_GROUP : ids.SESSION_TYPE_SINGLE
        });
        session.unread = 0;
      },
      /** The page of messages before the oldest one shown (the newest page at first). */
      async loadOlder(key) {
        if (this.loadingHistory || this.noMoreHistory[key]) {
          return;
        }
        const list = this.messages[key];
        const oldest = list.filter(m => m.msgId > 0).reduce((min, m) => Math.min(min, m.msgId), Infinity);
        if (oldest === 1) {
          this.noMoreHistory[key] = true;
          return;
        }
        const ids = protocol.ids;
        const group = key.startsWith('g:');
        this.loadingHistory = true;
        try {
          const answer = await connection.request(ids.SID_MSG, ids.CID_MSG_LIST_REQUEST, 'IM.Message.IMGetMsgListReq', {
            userId: this.me.userId, sessionType: group ? ids.SESSION_TYPE_GROUP : ids.SESSION_TYPE_SINGLE,
            sessionId: Number(key.substring(2)), msgIdBegin: oldest === Infinity ? 0 : oldest - 1, msgCnt: HISTORY_PAGE
          }, 'IM.Message.IMGetMsgListRsp');
          const known = new Set(list.map(m => m.msgId));
          const older = answer.msgList.filter(m => !known.has(m.msgId)).reverse()
            .map(m => this.toMessage(m.msgId, m.fromSessionId, m.createTime, m.msgData, 'sent'));
          if (answer.msgList.length < HISTORY_PAGE) {
            this.noMoreHistory[key] = true;
          }
          const box = this.$refs.messages;
          const fromBottom = box ? box.scrollHeight - box.scrollTop : 0;
          list.unshift(...older);
          await this.$nextTick();
          if (box && this.current === key) {
            box.scrollTop = box.scrollHeight - fromBottom;
          }
        } finally {
          this.loadingHistory = false;
        }
      },
      onScroll(event) {
        if (event.target.scrollTop < 40 && this.current) {
          this.loadOlder(this.current);
        }
      },
      async scrollToEnd(key) {
        if (key !== this.current) {
          return;
        }
        await this.$nextTick();
        const box = this.$refs.messages;
        if (box) {
          box.scrollTop = box.scrollHeight;
        }
      },
      addEmoji(emoji) {
        this.drafts[this.current] = (this.drafts[this.current] || '') + emoji;
      },
      sendText() {
        const text = (this.drafts[this.current] || '').trim();
        if (!text) {
          return;
        }
        this.drafts[this.current] = '';
        this.showEmoji = false;
        this.send(this.current, text);
      },
      /** Sends {@code text} encrypted as the native clients do; its state goes sending, then sent or failed. */
      async send(key, text) {
        const ids = protocol.ids;
        const group = key.startsWith('g:');
        const peer = Number(key.substring(2));
        const message = { localId: ++localIds, msgId: 0, from: this.me.userId, time: Math.floor(Date.now() / 1000),
          text, picture: TT.PictureText.urlOf(text), state: 'sending' };
        this.messages[key].push(message);
        const session = this.session(group ? 'g:' : 'u:', peer);
        session.updated = message.time;
        session.latestText = text;
        this.scrollToEnd(key);
        try {
          const ack = await connection.request(ids.SID_MSG, ids.CID_MSG_DATA, 'IM.Message.IMMsgData', {
            fromUserId: this.me.userId, toSessionId: peer, msgId: 0, createTime: 0,
            msgType: group ? ids.MSG_TYPE_GROUP_TEXT : ids.MSG_TYPE_SINGLE_TEXT,
            msgData: new TextEncoder().encode(cipher.encrypt(text))
          }, 'IM.Message.IMMsgDataAck');
          const stored = this.messages[key].find(m => m.localId === message.localId);
          stored.msgId = ack.msgId;
          stored.state = 'sent';
        } catch (e) {
          this.messages[key].find(m => m.localId === message.localId).state = 'failed';
        }
      },
      async upload(file) {
        if (!webConfig.msfsUrl) {
          throw new Error(this.t('uploadFailed'));
        }
        const form = new FormData();
        form.append('image', file, file.name || 'picture');
        const answer = await (await fetch(webConfig.msfsUrl, { method: 'POST', body: form })).json();
        if (answer.error_code !== 0) {
          throw new Error(this.t('uploadFailed') + ': ' + answer.error_msg);
        }
        return answer.url;
      },
      async sendPicture(event) {
        const file = event.target.files[0];
        event.target.value = '';
        if (!file) {
          return;
        }
        const key = this.current;
        try {
          const url = await this.upload(file);
          await this.send(key, TT.PictureText.of(url));
        } catch (e) {
          this.flash(e.message);
        }
      },
      flash(text) {
        this.notice = text;
        setTimeout(() => {
          if (this.notice === text) {
            this.notice = '';
          }
        }, 4000);
      },

      /* ---- groups ---- */
      openGroupDialog(groupId) {
        const group = groupId ? this.groups[groupId] : null;
        this.groupDialog = { groupId, name: '', error: '',
          members: group ? group.groupMemberList.filter(id => id !== this.me.userId) : [] };
        this.dialog = 'group';
      },
      async saveGroup() {
        const ids = protocol.ids;
        const me = this.me.userId;
        const dialog = this.groupDialog;
        try {
          if (!dialog.groupId) {
            const created = await connection.request(ids.SID_GROUP, ids.CID_GROUP_CREATE_REQUEST,
              'IM.Group.IMGroupCreateReq', { userId: me, groupType: ids.GROUP_TYPE_TMP, groupName: dialog.name,
                groupAvatar: '', memberIdList: [me, ...dialog.members] }, 'IM.Group.IMGroupCreateRsp');
            if (created.resultCode !== 0) {
              throw new Error(this.t('groupFailed'));
            }
            await this.loadGroups([created.groupId]);
            this.dialog = null;
            await this.openSession('g:' + created.groupId);
            return;
          }
          const before = new Set(this.groups[dialog.groupId].groupMemberList);
          const added = dialog.members.filter(id => !before.has(id));
          const removed = [...before].filter(id => id !== me && !dialog.members.includes(id));
          for (const [type, list] of [[ids.GROUP_MODIFY_TYPE_ADD, added], [ids.GROUP_MODIFY_TYPE_DEL, removed]]) {
            if (list.length) {
              const changed = await connection.request(ids.SID_GROUP, ids.CID_GROUP_CHANGE_MEMBER_REQUEST,
                'IM.Group.IMGroupChangeMemberReq', { userId: me, changeType: type, groupId: dialog.groupId,
                  memberIdList: list }, 'IM.Group.IMGroupChangeMemberRsp');
              if (changed.resultCode !== 0) {
                throw new Error(this.t('groupFailed'));
              }
            }
          }
          await this.loadGroups([dialog.groupId]);
          this.dialog = null;
        } catch (e) {
          dialog.error = e.message;
        }
      },

      /* ---- profile ---- */
      openProfile() {
        this.profileSign = this.me.signInfo || '';
        this.profileError = '';
        this.dialog = 'profile';
      },
      async changeAvatar(event) {
        const file = event.target.files[0];
        event.target.value = '';
        if (!file) {
          return;
        }
        const ids = protocol.ids;
        try {
          const url = await this.upload(file);
          const answer = await connection.request(ids.SID_BUDDY_LIST, ids.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST,
            'IM.Buddy.IMChangeAvatarReq', { userId: this.me.userId, avatarUrl: url }, 'IM.Buddy.IMChangeAvatarRsp');
          if (answer.resultCode !== 0) {
            throw new Error(this.t('uploadFailed'));
          }
          this.me.avatarUrl = url;
          if (this.users[this.me.userId]) {
            this.users[this.me.userId].avatarUrl = url;
          }
        } catch (e) {
          this.profileError = e.message;
        }
      },
      async saveProfile() {
        const ids = protocol.ids;
        try {
          const answer = await connection.request(ids.SID_BUDDY_LIST, ids.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST,
            'IM.Buddy.IMChangeSignInfoReq', { userId: this.me.userId, signInfo: this.profileSign },
            'IM.Buddy.IMChangeSignInfoRsp');
          if (answer.resultCode !== 0) {
            throw new Error(this.t('saveFailed'));
          }
          this.me.signInfo = this.profileSign;
          if (this.users[this.me.userId]) {
            this.users[this.me.userId].signInfo = this.profileSign;
          }
          this.dialog = null;
        } catch (e) {
          this.profileError = e.message;
        }
      }
    }
  });
  window.ttApp = app.mount('#app');
})();
