/**
 * Proxies from the environment, as curl reads them: HTTPS_PROXY for https:// targets, HTTP_PROXY
 * for http://, ALL_PROXY for either, NO_PROXY for exceptions, each in either case. The decision is
 * proxy-from-env's; the agent is https-proxy-agent, which opens a CONNECT tunnel per connection and
 * runs TLS (mutual TLS included) end to end inside it. Plain http:// targets (only loopback
 * emulators: real hosts need https) go through a CONNECT tunnel too: http-proxy-agent's
 * absolute-form requests send a body written before the socket (got does) twice. Nothing is loaded
 * unless a proxy variable is set. A loopback target is proxied like any other unless NO_PROXY names it.
 */
import type { Agent } from 'node:http';
import { UsageError } from '../errors.js';
import { redactUrl } from './redact.js';

const PROXY_VARIABLES = ['https_proxy', 'http_proxy', 'all_proxy'];

export interface ProxyRoute {
  /** The proxy's URL, credentials included (never print it: see `shown`). */
  url: URL;
  /** The proxy's URL with its password redacted. */
  shown: string;
  agent: Agent;
}

/** The proxies of one HTTP client: one agent per proxy, made on first use. */
export class Proxies {
  private readonly agents = new Map<string, Promise<Agent>>();

  /** The route to `target`: through a proxy, or undefined to go direct. */
  async route(target: URL): Promise<ProxyRoute | undefined> {
    // The process's own variables (proxy-from-env reads process.env), as for NODE_EXTRA_CA_CERTS.
    if (!PROXY_VARIABLES.some((v) => process.env[v] || process.env[v.toUpperCase()])) return undefined;
    const { getProxyForUrl } = await import('proxy-from-env');
    const setting = getProxyForUrl(target.href);
    if (!setting) return undefined;
    let url: URL;
    try {
      url = new URL(setting);
    } catch {
      throw new UsageError(`The proxy setting "${redactUrl(setting)}" is not a URL`, 'Set HTTPS_PROXY (or HTTP_PROXY) to e.g. http://proxy.example:3128 or http://user:password@proxy.example:3128.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`The proxy ${redactUrl(setting)} is not supported: only http:// and https:// proxies are`, 'Point HTTPS_PROXY at an HTTP proxy that takes CONNECT.');
    }
    let agent = this.agents.get(url.href);
    if (!agent) {
      agent = import('https-proxy-agent').then(({ HttpsProxyAgent }) => new HttpsProxyAgent(url));
      this.agents.set(url.href, agent);
    }
    return { url, shown: redactUrl(url.href), agent: await agent };
  }
}
