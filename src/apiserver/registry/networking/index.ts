/** networking.k8s.io registry policy: the default IngressClass admission and skiff's own class. */
export { defaultIngressClassHooks, defaultClass, skiffIngressClass } from './default-class.js';
