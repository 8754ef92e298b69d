/** networking.k8s.io registry policy: the default IngressClass admission and skiff's own class. */
export { defaultIngressClassHooks, defaultClass, skiffIngressClass, SKIFF_INGRESS_CLASS, SKIFF_INGRESS_CONTROLLER } from './default-class.js';
