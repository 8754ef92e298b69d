/**
 * The image catalog shipped with skiff, as YAML text so it reads like the user catalog that
 * extends it (`--image-catalog FILE`) and needs no asset copying into `dist/`.
 *
 * An entry maps an image repository (no registry, no `library/`, optionally `:tag`) to what runs:
 * `entrypoint` and `cmd` as in an image config (a container's `command` replaces both, `args`
 * replaces `cmd`), or a `generator` that writes a config into the container's directory and
 * returns the command line. `ports` are the ports the image listens on by itself;
 * `busyboxApplets` puts busybox applets on PATH after the host's programs. Images with no host
 * program (fluentd-elasticsearch …) have no entry: they run only with an explicit `command`.
 */
export const builtinImagesYaml = `
images:
  nginx:
    generator: nginx
    ports: [80]
    stopSignal: SIGQUIT
  # The seed's second nginx in one pod (S8): stock nginx listening on 8800.
  msfuko/nginx_8800:
    generator: nginx
    ports: [8800]
    stopSignal: SIGQUIT
  httpd:
    generator: httpd
    ports: [80]
  busybox:
    cmd: [sh]
    busyboxApplets: true
  ubuntu:
    cmd: [bash]
  debian:
    cmd: [bash]
`;
