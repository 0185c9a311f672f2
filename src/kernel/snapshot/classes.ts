// Every class of the layers below the host, known to the snapshot codec by module and name
// (`fs/pipe.Pipe`): the names a snapshot uses. A module added to these layers is added here.
import { Registry } from './codec.js';
import * as m_base_budget from '../../base/budget.js';
import * as m_base_wait from '../../base/wait.js';
import * as m_mm_address_space from '../../mm/address-space.js';
import * as m_mm_page_cache from '../../mm/page-cache.js';
import * as m_mm_phys from '../../mm/phys.js';
import * as m_elf_elf from '../../elf/elf.js';
import * as m_fs_backend from '../../fs/backend.js';
import * as m_fs_devfs from '../../fs/devfs.js';
import * as m_fs_epoll from '../../fs/epoll.js';
import * as m_fs_eventfd from '../../fs/eventfd.js';
import * as m_fs_file from '../../fs/file.js';
import * as m_fs_guest_fs from '../../fs/guest-fs.js';
import * as m_fs_image from '../../fs/image.js';
import * as m_fs_inotify from '../../fs/inotify.js';
import * as m_fs_layer_store from '../../fs/layer-store.js';
import * as m_fs_leases from '../../fs/leases.js';
import * as m_fs_locks from '../../fs/locks.js';
import * as m_fs_mounts from '../../fs/mounts.js';
import * as m_fs_mqueue from '../../fs/mqueue.js';
import * as m_fs_namei from '../../fs/namei.js';
import * as m_fs_overlay from '../../fs/overlay.js';
import * as m_fs_pipe from '../../fs/pipe.js';
import * as m_fs_procfs from '../../fs/procfs.js';
import * as m_fs_pty from '../../fs/pty.js';
import * as m_fs_static_file from '../../fs/static-file.js';
import * as m_fs_stdio from '../../fs/stdio.js';
import * as m_fs_sysfs from '../../fs/sysfs.js';
import * as m_fs_tar from '../../fs/tar.js';
import * as m_fs_tmpfs from '../../fs/tmpfs.js';
import * as m_fs_tty_ldisc from '../../fs/tty-ldisc.js';
import * as m_fs_vfs from '../../fs/vfs.js';
import * as m_fs_xattr from '../../fs/xattr.js';
import * as m_net_dns_service from '../../net/dns-service.js';
import * as m_net_inet_socket from '../../net/inet-socket.js';
import * as m_net_netlink from '../../net/netlink.js';
import * as m_net_socket from '../../net/socket.js';
import * as m_net_stack from '../../net/stack.js';
import * as m_net_tcp_host from '../../net/tcp-host.js';
import * as m_net_tcp from '../../net/tcp.js';
import * as m_net_udp from '../../net/udp.js';
import * as m_net_unix from '../../net/unix.js';
import * as m_net_wisp from '../../net/wisp.js';
import * as m_kernel_args from '../args.js';
import * as m_kernel_async_io from '../async-io.js';
import * as m_kernel_debug from '../debug.js';
import * as m_kernel_dnotify from '../dnotify.js';
import * as m_kernel_exec from '../exec.js';
import * as m_kernel_fd_table from '../fd-table.js';
import * as m_kernel_kernel from '../kernel.js';
import * as m_kernel_report from '../report.js';
import * as m_kernel_sys_fdevents from '../sys-fdevents.js';
import * as m_kernel_sys_ipc from '../sys-ipc.js';
import * as m_kernel_sys_memfd from '../sys-memfd.js';
import * as m_kernel_sysctl from '../sysctl.js';
import * as m_kernel_task from '../task.js';
import * as m_kernel_timers from '../timers.js';
import * as m_kernel_snapshot_codec from './codec.js';

export function kernelClasses(): Registry {
  return new Registry()
    .addModule('base/budget', m_base_budget)
    .addModule('base/wait', m_base_wait)
    .addModule('mm/address-space', m_mm_address_space)
    .addModule('mm/page-cache', m_mm_page_cache)
    .addModule('mm/phys', m_mm_phys)
    .addModule('elf/elf', m_elf_elf)
    .addModule('fs/backend', m_fs_backend)
    .addModule('fs/devfs', m_fs_devfs)
    .addModule('fs/epoll', m_fs_epoll)
    .addModule('fs/eventfd', m_fs_eventfd)
    .addModule('fs/file', m_fs_file)
    .addModule('fs/guest-fs', m_fs_guest_fs)
    .addModule('fs/image', m_fs_image)
    .addModule('fs/inotify', m_fs_inotify)
    .addModule('fs/layer-store', m_fs_layer_store)
    .addModule('fs/leases', m_fs_leases)
    .addModule('fs/locks', m_fs_locks)
    .addModule('fs/mounts', m_fs_mounts)
    .addModule('fs/mqueue', m_fs_mqueue)
    .addModule('fs/namei', m_fs_namei)
    .addModule('fs/overlay', m_fs_overlay)
    .addModule('fs/pipe', m_fs_pipe)
    .addModule('fs/procfs', m_fs_procfs)
    .addModule('fs/pty', m_fs_pty)
    .addModule('fs/static-file', m_fs_static_file)
    .addModule('fs/stdio', m_fs_stdio)
    .addModule('fs/sysfs', m_fs_sysfs)
    .addModule('fs/tar', m_fs_tar)
    .addModule('fs/tmpfs', m_fs_tmpfs)
    .addModule('fs/tty-ldisc', m_fs_tty_ldisc)
    .addModule('fs/vfs', m_fs_vfs)
    .addModule('fs/xattr', m_fs_xattr)
    .addModule('net/dns-service', m_net_dns_service)
    .addModule('net/inet-socket', m_net_inet_socket)
    .addModule('net/netlink', m_net_netlink)
    .addModule('net/socket', m_net_socket)
    .addModule('net/stack', m_net_stack)
    .addModule('net/tcp-host', m_net_tcp_host)
    .addModule('net/tcp', m_net_tcp)
    .addModule('net/udp', m_net_udp)
    .addModule('net/unix', m_net_unix)
    .addModule('net/wisp', m_net_wisp)
    .addModule('kernel/args', m_kernel_args)
    .addModule('kernel/async-io', m_kernel_async_io)
    .addModule('kernel/debug', m_kernel_debug)
    .addModule('kernel/dnotify', m_kernel_dnotify)
    .addModule('kernel/exec', m_kernel_exec)
    .addModule('kernel/fd-table', m_kernel_fd_table)
    .addModule('kernel/kernel', m_kernel_kernel)
    .addModule('kernel/report', m_kernel_report)
    .addModule('kernel/sys-fdevents', m_kernel_sys_fdevents)
    .addModule('kernel/sys-ipc', m_kernel_sys_ipc)
    .addModule('kernel/sys-memfd', m_kernel_sys_memfd)
    .addModule('kernel/sysctl', m_kernel_sysctl)
    .addModule('kernel/task', m_kernel_task)
    .addModule('kernel/timers', m_kernel_timers)
    .addModule('kernel/snapshot/codec', m_kernel_snapshot_codec);
}
