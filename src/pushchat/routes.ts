/**
 * The Push Chat REST API under `/apis` (the SDK's base URL is `<node>/apis`): the one-to-one chat subset
 * of `@pushprotocol/restapi` 1.7.32 (PUSH-CHAT.md). Any other `/apis/...` call answers 501 with a sentence
 * naming it. Errors are `{error: "<sentence>", ...details}`.
 */
import { HttpError } from "../http/server";
import type { Handler, RequestContext, Route } from "../http/server";
import { isMessageCid } from "./cid";
import { sentMessageJson } from "./service";
import type { PushChatService } from "./service";

const JSON_TYPE = "application/json; charset=utf-8";

export const PUSH_API_PREFIX = "/apis";

/** Body caps: a message body may reach Push's 1 MiB; a profile about 9 kB; accept/reject a few kB. */
export const MESSAGE_BODY_LIMIT = 1024 * 1024 + 16 * 1024;
export const USER_BODY_LIMIT = 64 * 1024;
export const PROFILE_BODY_LIMIT = 1024 * 1024;
export const CONTROL_BODY_LIMIT = 16 * 1024;

export const DEFAULT_LIST_LIMIT = 10;
export const MAX_LIST_LIMIT = 100;
export const DEFAULT_FETCH_LIMIT = 10;
export const MAX_FETCH_LIMIT = 30;

function intQuery(ctx: RequestContext, name: string, dflt: number, min: number, max: number): number {
  const raw = ctx.query.get(name);
  if (raw === null || raw === "") return dflt;
  if (!/^[0-9]{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new HttpError(
      400,
      `Query parameter "${name}" must be an integer from ${min} to ${max}, got "${raw.slice(0, 20)}".`,
    );
  return Number(raw);
}

/**
 * Errors in Push's own format beside ours: `{error, status, errorCode, message, details, timestamp}`.
 * The SDK's handleError surfaces `message` (our sentence) and `status` only when all five Push fields are
 * present; `error` is the sentence as every other route of the node answers it.
 */
function pushErrors(handler: Handler): Handler {
  return async (ctx) => {
    try {
      return await handler(ctx);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      const rule = e.details?.rule;
      throw new HttpError(e.status, e.message, {
        ...e.details,
        status: e.status,
        errorCode: typeof rule === "string" ? rule : `HTTP-${e.status}`,
        message: e.message,
        details: e.message,
        timestamp: new Date().toISOString(),
      });
    }
  };
}

/** The routes of the Push Chat API, then the 501 fallback for every other `/apis/...` call. */
export function pushChatRoutes(service: PushChatService): Route[] {
  return routesOf(service).map((r) => ({ ...r, handler: pushErrors(r.handler) }));
}

function routesOf(service: PushChatService): Route[] {
  const p = PUSH_API_PREFIX;
  const routes: Route[] = [
    {
      method: "GET",
      path: `${p}/v2/users/`,
      handler: (ctx) => ({ json: service.getUser(ctx.query.get("caip10")) }),
    },
    {
      method: "POST",
      path: `${p}/v2/users/`,
      bodyLimitBytes: USER_BODY_LIMIT,
      handler: async (ctx) => {
        const out = await service.createUser(ctx.body, ctx.req.socket.remoteAddress ?? "unknown");
        return { status: out.status, json: out.record };
      },
    },
    {
      method: "PUT",
      path: `${p}/v2/users/:did/profile`,
      bodyLimitBytes: PROFILE_BODY_LIMIT,
      handler: async (ctx) => ({ json: await service.updateProfile(ctx.params.did, ctx.body) }),
    },
    {
      method: "GET",
      path: `${p}/v1/chat/users/:me/conversations/:peer/hash`,
      handler: (ctx) => ({ json: service.conversationHash(ctx.params.me, ctx.params.peer) }),
    },
    {
      method: "POST",
      path: `${p}/v1/chat/request`,
      bodyLimitBytes: MESSAGE_BODY_LIMIT,
      handler: async (ctx) => ({
        text: sentMessageJson(await service.send("request", ctx.body)),
        contentType: JSON_TYPE,
      }),
    },
    {
      method: "POST",
      path: `${p}/v1/chat/message`,
      bodyLimitBytes: MESSAGE_BODY_LIMIT,
      handler: async (ctx) => ({
        text: sentMessageJson(await service.send("message", ctx.body)),
        contentType: JSON_TYPE,
      }),
    },
    {
      method: "PUT",
      path: `${p}/v1/chat/request/accept`,
      bodyLimitBytes: CONTROL_BODY_LIMIT,
      handler: async (ctx) => ({ json: await service.accept(ctx.body) }),
    },
    {
      method: "PUT",
      path: `${p}/v1/chat/request/reject`,
      bodyLimitBytes: CONTROL_BODY_LIMIT,
      handler: async (ctx) => ({ json: await service.reject(ctx.body) }),
    },
    {
      method: "GET",
      path: `${p}/v1/chat/users/:me/chats`,
      handler: (ctx) => ({
        json: {
          chats: service.list(
            "chats",
            ctx.params.me,
            intQuery(ctx, "page", 1, 1, 1_000_000),
            intQuery(ctx, "limit", DEFAULT_LIST_LIMIT, 1, MAX_LIST_LIMIT),
          ),
        },
      }),
    },
    {
      method: "GET",
      path: `${p}/v1/chat/users/:me/requests`,
      handler: (ctx) => ({
        json: {
          requests: service.list(
            "requests",
            ctx.params.me,
            intQuery(ctx, "page", 1, 1, 1_000_000),
            intQuery(ctx, "limit", DEFAULT_LIST_LIMIT, 1, MAX_LIST_LIMIT),
          ),
        },
      }),
    },
    {
      method: "GET",
      path: `${p}/v1/chat/conversationhash/:cid`,
      handler: (ctx) => {
        const cid = ctx.params.cid;
        if (!isMessageCid(cid))
          throw new HttpError(
            400,
            `Malformed thread hash "${cid.slice(0, 80)}": expected a CIDv1 json sha2-256 (bagaaiera...).`,
          );
        return {
          json: service.history(cid, intQuery(ctx, "fetchLimit", DEFAULT_FETCH_LIMIT, 1, MAX_FETCH_LIMIT)),
        };
      },
    },
    {
      method: "GET",
      path: `${p}/v1/chat/:recipient/address/:me`,
      handler: (ctx) => ({ json: service.chatInfo(ctx.params.recipient, ctx.params.me) }),
    },
  ];
  const notServed = (ctx: RequestContext): never => {
    throw new HttpError(
      501,
      `${ctx.method} ${ctx.path} is not served by this node: it serves the one-to-one chat calls of the Push Chat SDK only (see docs/push-chat-api.md).`,
    );
  };
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const)
    routes.push({
      method,
      path: `${p}/*`,
      handler: notServed,
      rawBody: true,
      bodyLimitBytes: MESSAGE_BODY_LIMIT,
    });
  return routes;
}
