// A fence for the tests of outgoing webhooks: every socket this process opens is watched (node:diagnostics_channel),
// and one that would reach an address off 127.0.0.0/8 (or ::1) is destroyed before it connects and recorded, so
// that a guard that fails cannot send a packet anywhere. Installed once per process, on first import.
import { subscribe } from 'node:diagnostics_channel'
import { isIP, type Socket } from 'node:net'

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.')

const state = { opened: 0 }
/** Every address off loopback a socket was about to connect to (a test asserts it stays empty). */
const offLoopback: string[] = []
/** The addresses sockets connected to after a lookup (shows the fence is wired). */
const looked: string[] = []

subscribe('net.client.socket', (message) => {
  const socket = (message as { socket: Socket }).socket
  state.opened += 1
  socket.on('lookup', (err: Error | null, ip: string | undefined) => {
    if (err === null && ip !== undefined) looked.push(ip)
    if (err === null && ip !== undefined && !isLoopback(ip)) {
      offLoopback.push(ip)
      socket.destroy(new Error(`test fence: ${ip} is not loopback`))
    }
  })
  const connect = socket.connect
  socket.connect = function fenced(this: Socket, ...args: unknown[]) {
    const first = args[0]
    const host = ((Array.isArray(first) ? first[0] : first) as { host?: unknown } | undefined)?.host
    if (typeof host === 'string' && isIP(host) !== 0 && !isLoopback(host)) {
      offLoopback.push(host)
      process.nextTick(() => this.destroy(new Error(`test fence: ${host} is not loopback`)))
      return this
    }
    return (connect as (...a: unknown[]) => Socket).apply(this, args)
  } as typeof socket.connect
})

export const fence = {
  offLoopback,
  looked,
  /** Sockets opened by this process so far. */
  get socketsOpened(): number {
    return state.opened
  },
}
