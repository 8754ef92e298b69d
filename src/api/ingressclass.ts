/**
 * Which Ingresses a controller owns, by the contract of IngressClasses: the one its
 * `spec.ingressClassName` names, else the legacy `kubernetes.io/ingress.class` annotation, must be
 * a class whose `spec.controller` is the controller's name. An Ingress naming no class at all is
 * the default class' (admission normally fills the name in; this covers objects stored before).
 */
import { defaultIngressClassAnnotation, ingressClassAnnotation, type Ingress, type IngressClass } from './kinds/networking.js';

/** skiff's built-in ingress controller, and the class a new cluster has for it. */
export const SKIFF_INGRESS_CONTROLLER = 'skiff.io/ingress';
export const SKIFF_INGRESS_CLASS = 'skiff';

export function ingressClassOf(ing: Ingress, classes: readonly IngressClass[]): IngressClass | undefined {
  const name = ing.spec?.ingressClassName ?? ing.metadata.annotations?.[ingressClassAnnotation];
  if (name !== undefined) return classes.find((c) => c.metadata.name === name);
  return classes.find((c) => c.metadata.annotations?.[defaultIngressClassAnnotation] === 'true');
}

export function isIngressOf(controller: string, ing: Ingress, classes: readonly IngressClass[]): boolean {
  return ingressClassOf(ing, classes)?.spec?.controller === controller;
}

/** On a Node whose proxy runs skiff's ingress controller: its ports, `HTTP,HTTPS` (`80,443`).
 * Only such nodes' addresses go into the status of the Ingresses it serves. */
export const INGRESS_PORTS_ANNOTATION = 'ingress.skiff.io/ports';
