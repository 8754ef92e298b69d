/** The manifests the seeds print (shared/seeds/000_*.txt and 001_*.txt), unchanged, by file name.
 * `test/fixtures/seeds/*.yaml` holds the same files when present; these copies keep the schema
 * tests independent of it. */
export const seedManifests: Readonly<Record<string, string>> = {
  'nginx-rc-svc.yaml': `apiVersion: v1
kind: ReplicationController
metadata:
  name: hello-nginx
spec:
  replicas: 4
  selector:
    hello: world
  template:
    metadata:
        labels:
          hello: world
    spec:
      containers:
      - name: my-nginx-container
        image: nginx


---
apiVersion: v1
kind: Service
metadata:
  name: nginx-service

spec:
  ports:
    - protocol: TCP
      port: 80
      nodePort: 30088
  type: NodePort
  selector:
     hello: world
`,
  'nginx-rc.yaml': `apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx-rc-pod
spec:
  replicas: 3
  selector:
    app: nginx
    project: lambert
  template:
    metadata:
      name: nginx-wtf
      labels:
        app: nginx
        project: lambert
    spec:
      containers:
      - name: nginx-lambert
        image: nginx
        ports:
        - containerPort: 80
`,
  'nginxpod.yaml': `apiVersion: "v1"
kind: Pod
metadata:
  name: nginxpod
spec:
  containers:
    - name: nginx80
      image: nginx
      ports:
        - containerPort: 80
          hostPort: 80
    - name: nginx8800
      image: msfuko/nginx_8800
      ports:
        - containerPort: 8800
          hostPort: 8800
`,
  'podtoservice-rc.yaml': `apiVersion: v1
kind: ReplicationController
metadata:
  name: podtoservcie
spec:
  replicas: 2
  selector:
    app: nginx
  template:
    metadata:
      name: podtoservice
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx-podtoservice
        image: nginx
        ports:
        - containerPort: 80
`,
  'job-dpkg.yaml': `apiVersion: extensions/v1beta1
kind: Job
metadata:
  name: package-check
spec:
  selector:
    matchLabels:
      image: ubuntu
      test: dpkg
  template:
    metadata:
      labels:
        image: ubuntu
        test: dpkg
        owner: Amy
    spec:
      containers:
      - name: package-check
        image: ubuntu
        command: ["dpkg-query", "-l"]
      restartPolicy: Never
`,
  'job-dpkg-completions.yaml': `apiVersion: extensions/v1beta1
kind: Job
metadata:
  name: package-check
spec:
  completions: 3
  template:
    metadata:
      name: package-check-amy
      labels:
        image: ubuntu
        test: dpkg
        owner: Amy
    spec:
      containers:
      - name: package-check
        image: ubuntu
        command: ["dpkg-query", "-l"]
      restartPolicy: Never
`,
  'daemonset-free.yaml': `apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: ram-check
spec:
  selector:
    app: checkRam
    version: v1
  template:
    metadata:
      labels:
        app: checkRam
        owner: Amy
        version: v1
    spec:
      containers:
      - name: ubuntu-free
        image: ubuntu
        command: ["/bin/bash","-c","while true; do free; sleep 30; done"]
      restartPolicy: Always
`,
  'daemonset-free-nodeselector.yaml': `apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: ram-check
spec:
  selector:
    app: checkRam
    version: v1
  template:
    metadata:
      labels:
        app: checkRam
        owner: Amy
        version: v1
    spec:
      nodeSelector:
        runDS: ok
      containers:
      - name: ubuntu-free
        image: ubuntu
        command: ["/bin/bash","-c","while true; do free; sleep 30; done"]
      restartPolicy: Always
`,
  'dameonset.yaml': `apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      containers:
      - name: fluentd-elasticsearch
        image: gcr.io/google-containers/fluentd-elasticsearch:1.20
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
        - name: varlibdockercontainers
          mountPath: /var/lib/docker/containers
          readOnly: true
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
      - name: varlibdockercontainers
        hostPath:
          path: /var/lib/docker/containers
`,
  'dameonset-nodeselector.yaml': `apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: fluentd2-elasticsearch
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      nodeSelector:          # 标签
        runds: ok
      containers:
      - name: fluentd-elasticsearch
        image: gcr.io/google-containers/fluentd-elasticsearch:1.20
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
        - name: varlibdockercontainers
          mountPath: /var/lib/docker/containers
          readOnly: true
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
      - name: varlibdockercontainers
        hostPath:
          path: /var/lib/docker/containers
`,
};
